using Latchkey.Server.Http;

namespace Latchkey.Server.Observability;

/// <summary>
/// How a background loop reports a database outage: one warning when it begins, without a stack (an outage is not a
/// bug), and one line when it ends, instead of an error with a stack at every retry (every second for the outbox).
/// Other failures are the loop's to log. One instance per loop; a loop runs on one thread at a time.
/// </summary>
public sealed partial class OutageLog(ILogger logger, string loop)
{
    public bool IsDown { get; private set; }

    /// <summary>True when <paramref name="exception"/> is a database outage (logged if it just began).</summary>
    public bool Failed(Exception exception)
    {
        if (!ErrorHandling.IsStorageOutage(exception))
        {
            return false;
        }

        if (!IsDown)
        {
            IsDown = true;
            LogDown(logger, loop, exception.GetBaseException().Message);
        }

        return true;
    }

    public void Succeeded()
    {
        if (IsDown)
        {
            IsDown = false;
            LogBack(logger, loop);
        }
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "The database is unavailable to the {Loop}: {Reason}. It retries quietly until the database is back.")]
    private static partial void LogDown(ILogger logger, string loop, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "The database is back for the {Loop}.")]
    private static partial void LogBack(ILogger logger, string loop);
}

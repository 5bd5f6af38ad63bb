using Latchkey.Core.Storage;

namespace Latchkey.Server.AbuseProtection;

/// <summary>
/// Deletes throttle counters and CAPTCHA replay records whose window has passed, every five minutes, so the tables
/// hold only live rows (an expired row is already ignored by every read; this only bounds their size).
/// </summary>
public sealed partial class ExpiredCounterCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ExpiredCounterCleanup> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IThrottleStore>().PurgeExpiredAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Deleting expired throttle counters failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

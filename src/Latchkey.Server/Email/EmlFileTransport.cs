using Latchkey.Server.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Latchkey.Server.Email;

/// <summary>The embedded default: each message becomes <c>&lt;data dir&gt;/outbox/&lt;id&gt;.eml</c>, readable by its owner.</summary>
public sealed partial class EmlFileTransport(IOptions<LatchkeyOptions> options, ILogger<EmlFileTransport> logger)
{
    public async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var directory = DataDirectory.PrepareSubdirectory(options.Value.DataDirectory, "outbox");
        var name = (message.MessageId ?? Guid.CreateVersion7().ToString("N")).Split('@')[0];
        var path = Path.Combine(directory, $"{name}.eml");
        // Written under a temporary name and then renamed, so whoever watches the folder never reads half a message.
        var partial = Path.Combine(directory, $".{name}.partial");
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(partial, fileOptions))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }

        File.Move(partial, path, overwrite: true);
        var to = message.To.ToString();
        LogWritten(logger, to, path);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "No SMTP server is configured: the email to {To} was written to {Path}.")]
    private static partial void LogWritten(ILogger logger, string to, string path);
}

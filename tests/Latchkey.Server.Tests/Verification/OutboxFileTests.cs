using Latchkey.Testing;

namespace Latchkey.Server.Tests.Verification;

public class OutboxFileTests
{
    [Fact]
    public async Task Without_SMTP_the_code_is_written_as_an_eml_file_readable_by_its_owner()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        app.Execute("UPDATE sites SET RequireEmailVerification = 1");

        await client.RegisterAsync("ann@example.com");

        var outbox = Path.Combine(app.DataDirectory, "outbox");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.eml").Length > 0) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        var file = Assert.Single(Directory.GetFiles(outbox, "*.eml"));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("To: ann@example.com", text, StringComparison.Ordinal);
        Assert.Matches(@"code is \d{6}", text);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}

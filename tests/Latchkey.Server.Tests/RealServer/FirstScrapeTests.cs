namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// A fresh process's first scrape: Latchkey's instruments are process-wide, so only a new process shows whether they
/// exist before the first login (issue #27.3; docs/observability.md says idle gauges are exported as 0).
/// </summary>
public sealed class FirstScrapeTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("latchkey-scrape-").FullName;

    [Fact]
    public async Task The_first_scrape_of_a_new_server_has_the_hashing_gauges_at_zero()
    {
        using var node = await ServerNode.StartAsync(new() { ["LATCHKEY_DATA_DIR"] = _dataDirectory });

        var text = await node.Http.GetStringAsync("/metrics");

        Assert.Contains("\nlatchkey_password_hashing_queued", "\n" + text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^latchkey_password_hashing_queued(\{[^}]*\})? 0$", text);
        Assert.Matches(@"(?m)^latchkey_password_hashing_active(\{[^}]*\})? 0$", text);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}

using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// The probes (docs/observability.md#health). Readiness failing while the database is down, and recovering, is
/// covered against a real PostgreSQL in <c>RealServer/StorageOutageTests</c>.
/// </summary>
public class HealthTests
{
    [Fact]
    public async Task Liveness_and_readiness_answer_anyone_without_credentials()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Parse("203.0.113.7") };
        using var client = app.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("live", (await live.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.JsonAsync();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("up", body.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_gone()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // The SQLite file's directory becomes a file: no new connection can open it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Move(app.DataDirectory, app.DataDirectory + "-moved");
        try
        {
            await File.WriteAllTextAsync(app.DataDirectory, "not a directory");
            var ready = await client.GetAsync("/health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = await ready.JsonAsync();
            Assert.Equal("unavailable", body.GetProperty("status").GetString());
            Assert.Equal("unreachable", body.GetProperty("database").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            File.Delete(app.DataDirectory);
            Directory.Move(app.DataDirectory + "-moved", app.DataDirectory);
        }
    }
}

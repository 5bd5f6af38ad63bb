using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Storage.Contract;
using Latchkey.Testing;

// The server runs out of process here, so a plain HttpClient is the right tool (the ban targets server code).
#pragma warning disable RS0030

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// Issue #7.5: a node whose PostgreSQL goes away. The test runs its own cluster (other tests share the CI one, which
/// must not stop), stops it under a serving node and starts it again.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    /// <summary>Loose on purpose: it proves "no hang" (a connect timeout is 3 s), not a latency.</summary>
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(10);

    private readonly string _cluster = Path.Combine(Path.GetTempPath(), "latchkey-outage-" + Guid.CreateVersion7().ToString("N"));
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("latchkey-outage-data-").FullName;
    private readonly string _migrateDirectory = Directory.CreateTempSubdirectory("latchkey-outage-migrate-").FullName;
    private readonly string _port = ServerNode.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        // Runs where the PostgreSQL suites run (and fails where they are required), on a cluster of its own.
        PostgresTestDatabase.ServerOrSkip();
        var start = await ClusterAsync("start", _cluster, _port);
        Assert.True(start.ExitCode == 0, start.Output);
        _connectionString = start.Output.Trim().Split('\n')[^1];
    }

    [Fact]
    public async Task While_the_database_is_down_requests_answer_503_fast_and_service_resumes_by_itself_when_it_is_back()
    {
        var deployment = new Deployment(_connectionString, new()
        {
            // The background loops (key checks, outbox) meet the outage too, not only requests.
            ["Latchkey__SigningKeys__CheckSeconds"] = "1",
        });
        var bootstrap = await deployment.MigrateAsync(_migrateDirectory);
        using var node = await ServerNode.StartAsync(deployment.Environment(_dataDirectory));
        var visitor = await node.VisitorTokenAsync(bootstrap.ClientId);
        var register = await node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/register", visitor, new { loginId = new { email = "ann@example.com" }, password = Wix.Password });
        var (code, verifier) = await node.AuthorizeAsync(bootstrap.ClientId, (await register.JsonAsync()).GetProperty("sessionToken").GetString()!);
        var tokens = await (await node.Http.ExchangeAsJsonAsync(bootstrap.ClientId, code, verifier)).TokensAsync();
        var unused = (await (await LoginAsync(node, visitor)).JsonAsync()).GetProperty("sessionToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/health/ready")).StatusCode);

        await ClusterAsync("stop", _cluster);

        await AssertFailsFastAsync("login", () => LoginAsync(node, visitor), 503, "storage_unavailable");
        await AssertFailsFastAsync("refresh", () => node.Http.RefreshAsJsonAsync(bootstrap.ClientId, tokens.RefreshToken!), 503, "storage_unavailable");
        await AssertFailsFastAsync("authorize", () => node.Http.GetAsync(new AuthorizeParameters(bootstrap.ClientId, Pkce.New()) { SessionToken = unused }.Url()), 503, "storage_unavailable");
        await AssertFailsFastAsync("member call", () => node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/change-password", tokens.AccessToken, new { newPassword = "a brand new passphrase" }), 503, "storage_unavailable");
        // A visitor token needs no row; whether the node still has the client cached or not, never a 500.
        var anonymous = await node.Http.PostAsJsonAsync("/oauth2/token", new { clientId = bootstrap.ClientId, grantType = "anonymous" });
        Assert.Contains(anonymous.StatusCode, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable]);
        var clock = Stopwatch.StartNew();
        var ready = await node.Http.GetAsync("/health/ready");
        Report("ready while down", clock.Elapsed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("unreachable", (await ready.JsonAsync()).GetProperty("database").GetString());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FailFast);
        // A few seconds later the node is still up, its background loops having failed too, and still answers 503.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(node.HasExited, node.Output);
        await AssertFailsFastAsync("login later", () => LoginAsync(node, visitor), 503, "storage_unavailable");

        var start = await ClusterAsync("start", _cluster, _port);
        Assert.True(start.ExitCode == 0, start.Output);

        // Back with no restart: ready again, and the very next requests succeed.
        clock.Restart();
        while ((await node.Http.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            await Task.Delay(200);
        }

        Report("ready again after the start", clock.Elapsed);

        var login = await LoginAsync(node, visitor);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("SUCCESS", (await login.JsonAsync()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await node.Http.RefreshAsJsonAsync(bootstrap.ClientId, tokens.RefreshToken!)).StatusCode);
        // The refused authorize consumed nothing: the session token still works once.
        Assert.NotEmpty((await node.AuthorizeAsync(bootstrap.ClientId, unused)).Code);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal); // no request was a 500
        // Each background loop says once that the database was gone and, at its next run, once that it is back; not
        // at every retry.
        string[] loops = ["Email.EmailDispatcher", "OAuth.SigningKeyRotation"];
        clock.Restart();
        while (!loops.All(loop => node.Output.Contains($"{loop}[5003]", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(200);
        }

        foreach (var loop in loops)
        {
            Assert.Single(Regex.Matches(node.Output, $@"{loop}\[5002\]"));
            Assert.Single(Regex.Matches(node.Output, $@"{loop}\[5003\]"));
        }
    }

    private static Task<HttpResponseMessage> LoginAsync(ServerNode node, string visitor) =>
        node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "ann@example.com" }, password = Wix.Password });

    private static async Task AssertFailsFastAsync(string what, Func<Task<HttpResponseMessage>> send, int status, string code)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        var elapsed = clock.Elapsed;
        Report(what, elapsed);
        await response.AssertWixErrorAsync(status, code);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.InRange(elapsed, TimeSpan.Zero, FailFast);
    }

    /// <summary>The measured times, in the test's output: what "fast" was on this run.</summary>
    private static void Report(string what, TimeSpan elapsed) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {elapsed.TotalMilliseconds:F0} ms");

    private static async Task<(int ExitCode, string Output)> ClusterAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "postgres.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        // The connection string is the last line of standard output.
        return (process.ExitCode, await error + await output);
    }

    public async ValueTask DisposeAsync()
    {
        await ClusterAsync("stop", _cluster);
        foreach (var directory in (string[])[_cluster, _dataDirectory, _migrateDirectory])
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

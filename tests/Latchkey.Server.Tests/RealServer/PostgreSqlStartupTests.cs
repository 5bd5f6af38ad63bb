using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Latchkey.Storage.Contract;

// The server runs out of process here, so a plain HttpClient is the right tool (the ban targets server code).
#pragma warning disable RS0030

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// Issue #7.1 with the real binary and a real PostgreSQL: the provider comes from environment variables, a node
/// refuses a database that is not migrated and says what to run, <c>migrate</c> migrates and bootstraps, and then
/// the node serves.
/// </summary>
public sealed class PostgreSqlStartupTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("latchkey-pg-start-").FullName;
    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private PostgresTestDatabase? _database;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    [Fact]
    public async Task A_node_refuses_an_unmigrated_database_until_migrate_has_run()
    {
        var refused = await RunToExitAsync([]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Latchkey cannot start: The PostgreSQL database is not migrated", refused.Output, StringComparison.Ordinal);
        Assert.Contains("migrate", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Output, StringComparison.Ordinal); // no stack trace

        var migrated = await RunToExitAsync(["migrate"]);
        Assert.True(migrated.ExitCode == 0, migrated.Output);
        Assert.Contains("It was empty", migrated.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "bootstrap.json")));

        var again = await RunToExitAsync(["migrate"]);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.DoesNotContain("It was empty", again.Output, StringComparison.Ordinal);

        var port = FreePort();
        using var node = Start(["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var ready = await PollAsync(http, "/health/ready", node);
        Assert.Equal(HttpStatusCode.OK, ready);
        // Nothing SQLite-shaped was created next to the data: the node really ran on PostgreSQL.
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "latchkey.db")));
    }

    [Fact]
    public async Task A_node_without_a_connection_string_says_so()
    {
        var run = await RunToExitAsync([], connectionString: "");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Latchkey:Storage:ConnectionString is empty", run.Output, StringComparison.Ordinal);
    }

    private Process Start(IEnumerable<string> arguments, string? connectionString = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latchkey.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LATCHKEY_DATA_DIR"] = _dataDirectory;
        info.Environment["Latchkey__Storage__Provider"] = "PostgreSql";
        info.Environment["Latchkey__Storage__ConnectionString"] = connectionString ?? _database!.ConnectionString;
        info.Environment["Latchkey__MasterKey"] = _masterKey;
        return Process.Start(info)!;
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, string? connectionString = null)
    {
        using var process = Start(arguments, connectionString);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<HttpStatusCode> PollAsync(HttpClient http, string path, Process node)
    {
        var deadline = Stopwatch.StartNew();
        try
        {
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(node.HasExited, "the node exited");
                try
                {
                    return (await http.GetAsync(path)).StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100); // not listening yet
                }
            }

            throw new TimeoutException("The node did not answer within 60 s.");
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }
}

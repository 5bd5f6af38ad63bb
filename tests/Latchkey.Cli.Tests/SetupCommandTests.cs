using Latchkey.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Cli.Tests;

/// <summary><c>init</c>, <c>migrate</c>, usage errors and a database that cannot be reached.</summary>
public class SetupCommandTests
{
    [Fact]
    public async Task Init_creates_the_first_site_once_and_prints_its_values()
    {
        using var cli = new CliHarness();

        var init = await cli.RunAsync("init");

        Assert.Equal(0, init.ExitCode);
        Assert.Contains("apiKey:", init.Output, StringComparison.Ordinal);
        Assert.Contains("lk_", init.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cli.DataDirectory, "bootstrap.json")));
        // What the first start made is in the audit log, by actor bootstrap.
        var audit = (await cli.RunAsync("audit", "list", "--json")).Ok().Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["api_key.created", "client.created", "site.created"], audit.Select(e => e.GetProperty("action").GetString()));
        Assert.All(audit, e => Assert.Equal("bootstrap", e.GetProperty("actor").GetString()));
        var again = await cli.RunAsync("init");
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("already_initialized", again.Error, StringComparison.Ordinal);
        Assert.Empty(again.Output);
        var migrate = (await cli.RunAsync("migrate", "--json")).Ok();
        Assert.False(migrate.Json.GetProperty("initialized").GetBoolean());
    }

    [Fact]
    public async Task Migrate_on_an_empty_data_directory_initialises_it_like_the_server()
    {
        using var cli = new CliHarness();

        var migrate = (await cli.RunAsync("migrate")).Ok();

        Assert.Contains("The database is migrated.", migrate.Output, StringComparison.Ordinal);
        Assert.Contains("bootstrap.json", migrate.Output, StringComparison.Ordinal);
        Assert.Single((await cli.RunAsync("sites", "list", "--json")).Ok().Json.EnumerateArray());
    }

    [Fact]
    public async Task A_database_part_way_through_the_pre_release_migrations_is_refused_with_what_to_do()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();
        // The history a pre-release build left one migration short of its last (docs/decisions/0021-squashed-migrations.md).
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(cli.DataDirectory, "latchkey.db")};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM \"__EFMigrationsHistory\"; " + string.Concat(Latchkey.Storage.Sqlite.SqliteStorage.PreReleaseMigrations.SkipLast(1)
                .Select(id => $"INSERT INTO \"__EFMigrationsHistory\" VALUES ('{id}', '10.0.0'); "));
            command.ExecuteNonQuery();
        }

        var migrate = await cli.RunAsync("migrate");

        Assert.NotEqual(0, migrate.ExitCode);
        Assert.Contains("pre-release build", migrate.Error, StringComparison.Ordinal);
        Assert.Contains("docs/decisions/0021-squashed-migrations.md", migrate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", migrate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_1_and_a_missing_site_exits_2()
    {
        using var cli = new CliHarness();

        Assert.Equal(1, (await cli.RunAsync("frobnicate")).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("members", "list", "--bogus")).ExitCode);
        var health = await cli.RunAsync("health", "--url", "http://127.0.0.1:1");
        Assert.Equal(1, health.ExitCode);
        Assert.Contains("http://127.0.0.1:1/health/ready", health.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("members")).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("api-keys", "create", "--permission", "admin")).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("members", "show")).ExitCode);

        // No database in the data directory (run from another folder than the server's): said, and none is made.
        var noSite = await cli.RunAsync("members", "list");
        Assert.Equal(2, noSite.ExitCode);
        Assert.Contains("latchkey init", noSite.Error, StringComparison.Ordinal);
        Assert.Contains(cli.DataDirectory, noSite.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("sites", "list")).ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.DataDirectory));
    }

    [Fact]
    public async Task An_unreachable_database_exits_4_with_the_reason()
    {
        using var cli = new CliHarness
        {
            Configure = s => s.Configure<LatchkeyOptions>(o =>
            {
                o.Storage.Provider = StorageProvider.PostgreSql;
                o.Storage.ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=1";
            }),
        };

        var result = await cli.RunAsync("members", "list", "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("storage_unavailable", result.Error, StringComparison.Ordinal);
        Assert.Equal(4, (await cli.RunAsync("migrate")).ExitCode);
    }
}

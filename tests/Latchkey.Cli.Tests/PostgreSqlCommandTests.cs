using Latchkey.Core.Members;
using Latchkey.Server.Configuration;
using Latchkey.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Cli.Tests;

/// <summary>The CLI on PostgreSQL (skipped without <c>LATCHKEY_TEST_POSTGRES</c>): migrate first, then the same commands.</summary>
public class PostgreSqlCommandTests
{
    [Fact]
    public async Task The_cli_refuses_an_unmigrated_database_then_migrates_and_administers_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using var cli = new CliHarness
        {
            Configure = s => s.Configure<LatchkeyOptions>(o =>
            {
                o.Storage.Provider = StorageProvider.PostgreSql;
                o.Storage.ConnectionString = database.ConnectionString;
            }),
        };

        var unmigrated = await cli.RunAsync("members", "list");
        Assert.Equal(4, unmigrated.ExitCode);
        Assert.Contains("migrate", unmigrated.Error, StringComparison.Ordinal);

        (await cli.RunAsync("migrate")).Ok();
        var site = Guid.Parse((await cli.RunAsync("sites", "list", "--json")).Ok().Json[0].GetProperty("id").GetString()!);
        var ann = await cli.AddMemberAsync(site, "ann@example.com");
        await cli.AddMemberAsync(site, "bob@example.com");

        var page = (await cli.RunAsync("members", "list", "--page-size", "1", "--json")).Ok().Json;
        var next = (await cli.RunAsync("members", "list", "--page-size", "1", "--cursor", page.GetProperty("nextCursor").GetString()!, "--json")).Ok().Json;
        Assert.NotEqual(page.GetProperty("items")[0].GetProperty("id").GetString(), next.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal("blocked", (await cli.RunAsync("members", "block", ann.Id.ToString(), "--json")).Ok().Json.GetProperty("status").GetString());
        Assert.Single((await cli.RunAsync("members", "search", "ANN", "--status", nameof(MemberStatus.Blocked), "--json")).Ok().Json.GetProperty("items").EnumerateArray());
        (await cli.RunAsync("members", "delete", "bob@example.com")).Ok();
        Assert.Contains("ann@example.com", Assert.Single((await cli.RunAsync("export")).Ok().Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        var audit = (await cli.RunAsync("audit", "list", "--actor", "cli", "--json")).Ok().Json;
        Assert.Equal(["members.exported", "member.deleted", "member.blocked"], audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }
}

using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Storage.Contract;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.Sqlite.Tests;

/// <summary>
/// The Members API's <c>loginEmail $startsWith</c> stays on the (site, normalized email) index on a site of 100,000
/// members (issue #24): SQLite's own plan for the SQL the store sends, count and page alike.
/// </summary>
public sealed class MemberQueryPlanTests : IDisposable
{
    private const int MemberCount = 100_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("latchkey-plan-").FullName;

    [Fact]
    public async Task A_prefix_query_of_100000_members_by_email_is_index_backed()
    {
        var recorder = new CommandRecorder();
        var connectionString = SqliteStorage.ConnectionStringFor(_directory);
        await using var services = new ServiceCollection()
            .AddDbContext<LatchkeyDbContext>(o =>
            {
                SqliteStorage.Configure(o, connectionString);
                o.AddInterceptors(recorder);
            })
            .AddLatchkeyStores()
            .BuildServiceProvider();
        using (var scope = services.CreateScope())
        {
            await SqliteStorage.MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), CancellationToken.None);
        }

        var site = new Site { Id = Guid.CreateVersion7(), Name = "plan", CreatedAt = DateTimeOffset.UnixEpoch };
        await services.CreateScope().ServiceProvider.GetRequiredService<ISiteStore>().AddAsync(site, CancellationToken.None);
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var fill = connection.CreateCommand();
            // One statement for all the rows; EF keeps a Guid as upper-case text.
            fill.CommandText = $$"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{MemberCount}})
                INSERT INTO members (Id, SiteId, Email, NormalizedEmail, EmailVerified, Status, PendingReasons, PasswordResetRequired,
                    MfaEnabled, profile_json, Revision, SecurityStamp, CreatedAt, UpdatedAt, Privacy)
                SELECT printf('%08X-0000-7000-8000-000000000000', i), $site, printf('user-%06d@example.com', i), printf('user-%06d@example.com', i),
                    1, 1, 0, 0, 0, '{}', 1, 'stamp', 630822816000000000 + i, 630822816000000000 + i, 1
                FROM n
                """;
            fill.Parameters.AddWithValue("$site", site.Id.ToString().ToUpperInvariant());
            Assert.Equal(MemberCount, await fill.ExecuteNonQueryAsync());
        }

        recorder.Clear();
        var page = await services.CreateScope().ServiceProvider.GetRequiredService<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(
            new TextCondition(MemberTextField.LoginEmail, FilterOperator.StartsWith, ["user-0421"]), [], 0, 50, PublicOnly: false), CancellationToken.None);

        Assert.Equal((50, 100), (page.Members.Count, page.Total));
        Assert.Equal("user-042100@example.com", page.Members[0].NormalizedEmail);
        var queries = recorder.Commands.Where(c => c.Sql.Contains("FROM \"members\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, queries.Count);
        foreach (var query in queries)
        {
            var plan = await PlanAsync(connectionString, query);
            Assert.Contains(plan, step => step.Contains("USING INDEX IX_members_SiteId_NormalizedEmail", StringComparison.Ordinal) ||
                step.Contains("USING COVERING INDEX IX_members_SiteId_NormalizedEmail", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        }
    }

    private static async Task<List<string>> PlanAsync(string connectionString, RecordedCommand query)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query.Sql;
        foreach (var (name, value) in query.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var steps = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        Assert.NotEmpty(steps);
        return steps;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner is left to the OS temp cleaner.
        }
    }
}

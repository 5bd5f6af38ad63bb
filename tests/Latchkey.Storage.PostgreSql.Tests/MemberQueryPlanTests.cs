using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Latchkey.Storage.PostgreSql.Tests;

/// <summary>
/// The Members API's <c>loginEmail $startsWith</c> stays on the (site, normalized email) index on a site of 100,000
/// members (issue #24): PostgreSQL's own plan for the SQL the store sends, count and page alike. The index's
/// text_pattern_ops class is what lets LIKE 'prefix%' use it whatever the database's collation; the email column's
/// finer histogram (migration MemberEmailStatistics) is what keeps the planner from walking the creation-time index
/// instead, which it did in 5 of 40 runs of this test with the default statistics.
/// </summary>
public sealed class MemberQueryPlanTests : IAsyncLifetime
{
    private const int MemberCount = 100_000;
    private PostgresTestDatabase? _database;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_prefix_query_of_100000_members_by_email_is_index_backed()
    {
        var recorder = new CommandRecorder();
        var connectionString = _database!.ConnectionString;
        await using var services = new ServiceCollection()
            .AddDbContext<LatchkeyDbContext>(o =>
            {
                PostgreSqlStorage.Configure(o, connectionString);
                o.AddInterceptors(recorder);
            })
            .AddLatchkeyStores()
            .BuildServiceProvider();
        using (var scope = services.CreateScope())
        {
            await PostgreSqlStorage.MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), CancellationToken.None);
        }

        var site = new Site { Id = Guid.CreateVersion7(), Name = "plan", CreatedAt = DateTimeOffset.UnixEpoch };
        await services.CreateScope().ServiceProvider.GetRequiredService<ISiteStore>().AddAsync(site, CancellationToken.None);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            // One statement for all the rows, then fresh statistics, as autovacuum would gather them.
            await using var fill = new NpgsqlCommand($$"""
                INSERT INTO members ("Id", "SiteId", "Email", "NormalizedEmail", "EmailVerified", "Status", "PendingReasons",
                    "PasswordResetRequired", "MfaEnabled", profile_json, "Revision", "SecurityStamp", "CreatedAt", "UpdatedAt", "Privacy")
                SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, @site,
                    format('user-%s@example.com', lpad(i::text, 6, '0')), format('user-%s@example.com', lpad(i::text, 6, '0')),
                    true, 1, 0, false, false, '{}', 1, 'stamp', 630822816000000000 + i, 630822816000000000 + i, 1
                FROM generate_series(1, {{MemberCount}}) AS i
                """, connection);
            fill.Parameters.AddWithValue("site", site.Id);
            Assert.Equal(MemberCount, await fill.ExecuteNonQueryAsync());
            await using var analyze = new NpgsqlCommand("ANALYZE members", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        recorder.Clear();
        var page = await services.CreateScope().ServiceProvider.GetRequiredService<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(
            new TextCondition(MemberTextField.LoginEmail, FilterOperator.StartsWith, ["user-0421"]), [], 0, 50, PublicOnly: false), CancellationToken.None);

        Assert.Equal((50, 100), (page.Members.Count, page.Total));
        Assert.Equal("user-042100@example.com", page.Members[0].NormalizedEmail);
        var queries = recorder.Commands.Where(c => c.Sql.Contains("FROM members", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, queries.Count);
        foreach (var query in queries)
        {
            var plan = await PlanAsync(connectionString, query);
            Assert.True(plan.Contains("IX_members_SiteId_NormalizedEmail", StringComparison.Ordinal) && !plan.Contains("Seq Scan", StringComparison.Ordinal),
                $"not on the (site, email) index:\n{plan}\n{query.Sql}");
        }
    }

    private static async Task<string> PlanAsync(string connectionString, RecordedCommand query)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + query.Sql, connection);
        foreach (var (name, value) in query.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}

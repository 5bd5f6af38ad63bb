using Latchkey.Storage;
using Latchkey.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Storage;

public class SqliteConnectionTests
{
    [Fact]
    public Task Every_pooled_connection_commits_with_synchronous_normal_as_decision_0001_says() =>
        EveryPooledConnectionAnswersAsync("PRAGMA synchronous;", 1L); // 1 = NORMAL, 2 = FULL

    /// <summary>
    /// A writer that meets another writer's lock waits inside SQLite (short, growing steps), not in Microsoft.Data.Sqlite's
    /// fixed 150 ms sleeps on a thread-pool thread (issue #25: the flow benchmark's p99).
    /// </summary>
    [Fact]
    public Task Every_pooled_connection_waits_for_a_writer_inside_SQLite() =>
        EveryPooledConnectionAnswersAsync("PRAGMA busy_timeout;", 5000L);

    private static async Task EveryPooledConnectionAnswersAsync(string pragma, long expected)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();

        // Several contexts at once, so the pool hands out more than the connection the bootstrap migrated with.
        var scopes = Enumerable.Range(0, 3).Select(_ => app.Services.CreateScope()).ToList();
        try
        {
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
                await db.Database.OpenConnectionAsync();
                using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = pragma;
                Assert.Equal(expected, (long)(await command.ExecuteScalarAsync())!);
            }
        }
        finally
        {
            scopes.ForEach(s => s.Dispose());
        }
    }
}

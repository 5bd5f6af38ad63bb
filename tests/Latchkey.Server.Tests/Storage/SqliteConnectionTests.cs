using Latchkey.Storage;
using Latchkey.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Storage;

public class SqliteConnectionTests
{
    [Fact]
    public async Task Every_pooled_connection_commits_with_synchronous_normal_as_decision_0001_says()
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
                command.CommandText = "PRAGMA synchronous;";
                Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!); // 1 = NORMAL, 2 = FULL
            }
        }
        finally
        {
            scopes.ForEach(s => s.Dispose());
        }
    }
}

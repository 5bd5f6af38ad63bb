using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Storage;

/// <summary>
/// EF Core compiled queries bind to one model; one process can hold a SQLite model and a PostgreSQL one
/// (<c>CompiledPerModel</c>). The first full run after compiling the refresh path's queries answered 500 on
/// PostgreSQL when a SQLite app had run first.
/// </summary>
public sealed class CompiledQueriesTests(MigratedPostgres databases)
{
    [Fact]
    public async Task A_SQLite_app_and_a_PostgreSQL_app_in_one_process_both_refresh()
    {
        using var sqlite = new LatchkeyApp();
        using var postgres = await LatchkeyApp.OnPostgreSqlAsync(databases);

        foreach (var app in new[] { sqlite, postgres, sqlite })
        {
            var member = await app.RegisterMemberAsync($"{Guid.CreateVersion7():N}@example.com");
            var tokens = await app.MemberTokensAsync(member.SessionToken);
            using var client = app.CreateClient();

            Assert.Equal(HttpStatusCode.OK, (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).StatusCode);
        }
    }
}

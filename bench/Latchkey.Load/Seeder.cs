using Latchkey.Core.Passwords;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Latchkey.Load;

/// <summary>
/// Fills the default site with members whose password hashes are copies of one PHC string (hashing each would take
/// hours), so that login latency can be compared at 1,000 and 1,000,000 members.
/// </summary>
public static class Seeder
{
    public const string Password = "correct horse battery";

    /// <summary>
    /// The one PHC string every seeded member gets (Argon2id of <see cref="Password"/> at the default parameters). On
    /// PostgreSQL, bench/load/run.sh copies it into the rows itself with one <c>INSERT … SELECT … generate_series</c>.
    /// </summary>
    public static string Phc()
    {
        var hasher = new PasswordHasher(new HashingGate(Options.Create(new HashingOptions())));
        return hasher.HashAsync(Password, HashParameters.Default, CancellationToken.None).AsTask().Result.Value!;
    }

    public static int PrintPhc()
    {
        Console.WriteLine(Phc());
        return 0;
    }

    /// <summary>SQLite: inserts the members straight into the data directory's database file (server stopped).</summary>
    public static int Run(string dataDirectory, int members)
    {
        var phc = Phc();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "latchkey.db")}");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }

        using var siteQuery = connection.CreateCommand();
        siteQuery.CommandText = "SELECT Id FROM sites LIMIT 1";
        var siteId = siteQuery.ExecuteScalar();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO members (Id, SiteId, Email, NormalizedEmail, EmailVerified, Status, PendingReasons, PasswordHash,
              PasswordResetRequired, profile_json, Revision, SecurityStamp, CreatedAt, UpdatedAt)
            VALUES ($id, $site, $email, $email, 1, 1, 0, $hash, 0, '{}', 1, 'seed', $now, $now)
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var email = insert.Parameters.Add("$email", SqliteType.Text);
        insert.Parameters.AddWithValue("$site", siteId);
        insert.Parameters.AddWithValue("$hash", phc);
        insert.Parameters.AddWithValue("$now", TimeProvider.System.GetUtcNow().UtcTicks);
        insert.Prepare();
        for (var i = 0; i < members; i++)
        {
            id.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            email.Value = $"seed-{i}@example.com";
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        Console.WriteLine($"seeded\t{members}");
        return 0;
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>
/// A SHA-256 of every row of every table of a SQLite database, per table, to prove a rejected request changed nothing.
/// </summary>
public static class DatabaseDigest
{
    /// <summary>
    /// Tables a rejected request may change by design: <c>throttle_counters</c> counts failed logins and requests per
    /// address (abuse-protection.md), which is the point of counting them.
    /// </summary>
    public static readonly string[] Ignored = ["throttle_counters"];

    public static Dictionary<string, string> Of(SqliteConnection connection)
    {
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var digests = new Dictionary<string, string>();
        foreach (var table in tables.Where(t => !Ignored.Contains(t)))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            using var reader = select.ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    hash.AppendData(value is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    hash.AppendData([0x1F]);
                }

                hash.AppendData([0x1E]);
            }

            digests[table] = $"{rows} rows {Convert.ToHexString(hash.GetHashAndReset())[..16]}";
        }

        return digests;
    }

    /// <summary>The tables whose digests differ, as "table: before → after".</summary>
    public static string[] Changes(Dictionary<string, string> before, Dictionary<string, string> after) =>
        [.. before.Keys.Union(after.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t}: {before.GetValueOrDefault(t) ?? "(none)"} → {after.GetValueOrDefault(t) ?? "(none)"}")];
}

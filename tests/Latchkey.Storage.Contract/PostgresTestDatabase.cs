using Npgsql;

namespace Latchkey.Storage.Contract;

/// <summary>
/// A fresh PostgreSQL database for one test, created on the server named by <c>LATCHKEY_TEST_POSTGRES</c> (a role
/// that may create databases; <c>scripts/postgres.sh</c> starts one) and dropped afterwards. Without the variable the
/// test is skipped with the reason, unless <c>LATCHKEY_TEST_POSTGRES_REQUIRED=1</c> (the README's test command sets
/// it), which turns the skip into a failure so CI cannot pass with PostgreSQL silently untested.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "LATCHKEY_TEST_POSTGRES";
    public const string RequiredVariable = "LATCHKEY_TEST_POSTGRES_REQUIRED";

    private readonly string _server;

    private PostgresTestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The server's connection string, or a skip (or failure, when required) saying how to provide one.</summary>
    public static string ServerOrSkip()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(server))
        {
            return server;
        }

        const string reason = $"No PostgreSQL server: set {Variable} to a connection string (scripts/postgres.sh start prints one).";
        if (Environment.GetEnvironmentVariable(RequiredVariable) == "1")
        {
            Assert.Fail(reason + $" {RequiredVariable}=1 makes this a failure.");
        }

        Assert.Skip(reason);
        return "";
    }

    /// <param name="template">A database to copy (<c>CREATE DATABASE … TEMPLATE</c>), e.g. one already migrated; nothing may be connected to it.</param>
    public static async Task<PostgresTestDatabase> CreateAsync(string? template = null)
    {
        var server = ServerOrSkip();
        var database = new PostgresTestDatabase(server, "lk_test_" + Guid.CreateVersion7().ToString("N"));
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        var copy = template is null ? "" : $" TEMPLATE \"{template}\"";
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"{copy}", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // An autovacuum worker in the database (after a busy test): FORCE may only end the role's own sessions
            // (PostgreSQL 15), while a plain DROP cancels autovacuum itself and waits for it.
            command.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\"";
            await command.ExecuteNonQueryAsync();
        }
    }
}

using Latchkey.Server.Configuration;
using Latchkey.Storage;
using Latchkey.Storage.PostgreSql;
using Latchkey.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The one place that knows which database Latchkey runs on (<c>Latchkey:Storage:Provider</c>). SQLite migrates
/// itself at start (one node owns the file). PostgreSQL is shared by many nodes, so a node never changes its schema:
/// <c>migrate</c> does, once per release, and a node refuses to start on a database that is behind (decision 0011).
/// </summary>
public static class StorageSetup
{
    public static void Configure(DbContextOptionsBuilder db, LatchkeyOptions options)
    {
        switch (options.Storage.Provider)
        {
            case StorageProvider.PostgreSql:
                PostgreSqlStorage.Configure(db, options.Storage.ConnectionString is { Length: > 0 } connectionString
                    ? connectionString
                    : throw new StartupException(
                        "Latchkey:Storage:Provider is PostgreSql but Latchkey:Storage:ConnectionString is empty. Set it " +
                        "(environment Latchkey__Storage__ConnectionString), e.g. \"Host=db;Username=latchkey;Password=...;Database=latchkey\"."));
                break;
            default:
                SqliteStorage.Configure(db, options.Storage.ConnectionString is { Length: > 0 } configured
                    ? configured
                    : DefaultSqliteConnectionString(options.DataDirectory));
                break;
        }
    }

    /// <summary>Whether the database is the SQLite file of the data directory (no connection string of its own).</summary>
    public static bool UsesDataDirectoryFile(LatchkeyOptions options) =>
        options.Storage.Provider != StorageProvider.PostgreSql && string.IsNullOrEmpty(options.Storage.ConnectionString);

    /// <summary><c>&lt;data dir&gt;/latchkey.db</c>.</summary>
    public static string SqliteFile(string dataDirectory) => Path.Combine(dataDirectory, SqliteStorage.FileName);

    // The file is made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode, so
    // all three stay private whatever the umask.
    private static string DefaultSqliteConnectionString(string dataDirectory)
    {
        DataDirectory.Prepare(dataDirectory);
        DataDirectory.CreatePrivateFile(SqliteFile(dataDirectory));
        return SqliteStorage.ConnectionStringFor(dataDirectory);
    }

    /// <summary>The <c>migrate</c> command: brings the schema up to this build on either provider.</summary>
    public static async Task MigrateAsync(LatchkeyDbContext db, LatchkeyOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await (options.Storage.Provider == StorageProvider.PostgreSql
                ? PostgreSqlStorage.MigrateAsync(db, cancellationToken)
                : SqliteStorage.MigrateAsync(db, cancellationToken));
        }
        catch (MigrationHistoryException e)
        {
            // A pre-release history this build cannot continue from (decision 0021): the operator reads what to do.
            throw new StartupException(e.Message, e);
        }
    }

    /// <summary>At start: SQLite migrates; PostgreSQL must already be migrated, or the node stops with what to do.</summary>
    public static async Task PrepareAsync(LatchkeyDbContext db, LatchkeyOptions options, CancellationToken cancellationToken)
    {
        if (options.Storage.Provider != StorageProvider.PostgreSql)
        {
            await MigrateAsync(db, options, cancellationToken);
            return;
        }

        List<string> pending;
        try
        {
            pending = [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
        }
        catch (System.Data.Common.DbException e)
        {
            throw new StartupException($"PostgreSQL could not be reached ({e.Message}). Check Latchkey:Storage:ConnectionString and that the server is up.", e);
        }

        if (pending.Count > 0)
        {
            throw new StartupException(
                $"The PostgreSQL database is not migrated to this version of Latchkey ({pending.Count} migration(s) pending, " +
                $"first {pending[0]}). Run 'latchkey migrate' once with the same settings, then start the nodes.");
        }
    }
}

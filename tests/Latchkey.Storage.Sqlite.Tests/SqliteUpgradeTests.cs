using Latchkey.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.Sqlite.Tests;

/// <summary>The upgrade guard on a real SQLite file, one new file per test.</summary>
public sealed class SqliteUpgradeTests : MigrationUpgradeContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("latchkey-upgrade-").FullName;

    // The squashed baseline (docs/decisions/0021-squashed-migrations.md); a later migration never replaces it.
    protected override string Baseline => "20261206064916_Initial";

    protected override IReadOnlyList<string> PreReleaseMigrations => SqliteStorage.PreReleaseMigrations;

    protected override void AddDatabase(IServiceCollection services) =>
        services.AddDbContext<LatchkeyDbContext>(o => SqliteStorage.Configure(o, SqliteStorage.ConnectionStringFor(_directory)));

    protected override Task MigrateAsync(LatchkeyDbContext db) => SqliteStorage.MigrateAsync(db, CancellationToken.None);

    // EF keeps a Guid in SQLite as upper-case text and a bool as 0 or 1.
    protected override object Column(object value) => value switch
    {
        Guid id => id.ToString().ToUpperInvariant(),
        bool flag => flag ? 1L : 0L,
        _ => value,
    };

    protected override ValueTask DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner is left to the OS temp cleaner.
        }

        return ValueTask.CompletedTask;
    }
}

using Latchkey.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.PostgreSql.Tests;

/// <summary>The upgrade guard on a real PostgreSQL server, one new database per test.</summary>
public sealed class PostgreSqlUpgradeTests : MigrationUpgradeContract
{
    private PostgresTestDatabase? _database;

    // The squashed baseline (docs/decisions/0021-squashed-migrations.md); a later migration never replaces it.
    protected override string Baseline => "20261206064927_Initial";

    protected override IReadOnlyList<string> PreReleaseMigrations => PostgreSqlStorage.PreReleaseMigrations;

    protected override async ValueTask CreateDatabaseAsync() => _database = await PostgresTestDatabase.CreateAsync();

    protected override void AddDatabase(IServiceCollection services) =>
        services.AddDbContext<LatchkeyDbContext>(o => PostgreSqlStorage.Configure(o, _database!.ConnectionString));

    protected override Task MigrateAsync(LatchkeyDbContext db) => PostgreSqlStorage.MigrateAsync(db, CancellationToken.None);

    // Npgsql sends a Guid as uuid and a bool as boolean, the baseline's column types.
    protected override object Column(object value) => value;

    protected override async ValueTask DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

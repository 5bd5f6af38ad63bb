using Latchkey.Storage.Contract;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.PostgreSql.Tests;

/// <summary>The contract on a real PostgreSQL server, one new database per test.</summary>
public sealed class PostgreSqlStoreTests : StoreContract
{
    private PostgresTestDatabase? _database;

    protected override async ValueTask CreateDatabaseAsync() => _database = await PostgresTestDatabase.CreateAsync();

    protected override void AddDatabase(IServiceCollection services) =>
        services.AddDbContext<LatchkeyDbContext>(o => PostgreSqlStorage.Configure(o, _database!.ConnectionString));

    protected override Task MigrateAsync(LatchkeyDbContext db) => PostgreSqlStorage.MigrateAsync(db, CancellationToken.None);

    protected override async ValueTask DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrations_are_complete_for_the_model()
    {
        await using var services = new ServiceCollection().AddDbContext<LatchkeyDbContext>(o =>
            PostgreSqlStorage.ConfigureWithBuiltModel(o, _database!.ConnectionString)).BuildServiceProvider();
        var db = services.GetRequiredService<LatchkeyDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add --project src/Latchkey.Storage.PostgreSql.");
    }
}

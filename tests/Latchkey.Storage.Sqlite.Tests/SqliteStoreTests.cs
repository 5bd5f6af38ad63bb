using Latchkey.Storage.Contract;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.Sqlite.Tests;

/// <summary>The contract on a real SQLite file (WAL), one new file per test.</summary>
public sealed class SqliteStoreTests : StoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("latchkey-store-").FullName;

    protected override void AddDatabase(IServiceCollection services) =>
        services.AddDbContext<LatchkeyDbContext>(o => SqliteStorage.Configure(o, SqliteStorage.ConnectionStringFor(_directory)));

    protected override Task MigrateAsync(LatchkeyDbContext db) => SqliteStorage.MigrateAsync(db, CancellationToken.None);

    [Fact]
    public async Task The_database_is_a_WAL_file_under_the_data_directory()
    {
        using var scope = new ServiceCollection().AddDbContext<LatchkeyDbContext>(o =>
            SqliteStorage.Configure(o, SqliteStorage.ConnectionStringFor(_directory))).BuildServiceProvider();
        var db = scope.GetRequiredService<LatchkeyDbContext>();

        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();

        Assert.Equal("wal", Assert.Single(mode));
        Assert.True(File.Exists(Path.Combine(_directory, "latchkey.db")));
    }

    [Fact]
    public async Task Migrations_are_complete_for_the_model()
    {
        using var scope = new ServiceCollection().AddDbContext<LatchkeyDbContext>(o =>
            SqliteStorage.ConfigureWithBuiltModel(o, SqliteStorage.ConnectionStringFor(_directory))).BuildServiceProvider();
        var db = scope.GetRequiredService<LatchkeyDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add.");
    }

    public void Dispose()
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
    }
}

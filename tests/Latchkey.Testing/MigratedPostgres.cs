using Latchkey.Storage;
using Latchkey.Storage.Contract;
using Latchkey.Storage.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Latchkey.Testing;

/// <summary>
/// Migrated PostgreSQL databases for <see cref="LatchkeyApp.OnPostgreSqlAsync"/>: the first call of a test run migrates a
/// template, and every test gets a copy of it (<c>CREATE DATABASE … TEMPLATE</c>), a fraction of the second a migration
/// takes. The template is dropped when the run ends; nothing is created in a run that uses no PostgreSQL.
/// A test assembly that uses it declares it as an assembly fixture: <c>[assembly: AssemblyFixture(typeof(MigratedPostgres))]</c>.
/// </summary>
public sealed class MigratedPostgres : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private PostgresTestDatabase? _template;

    /// <summary>A fresh database at the current schema (skipped or failed without a server, as the test requires).</summary>
    public async Task<PostgresTestDatabase> CreateAsync()
    {
        await _lock.WaitAsync();
        try
        {
            _template ??= await MigratedTemplateAsync();
        }
        finally
        {
            _lock.Release();
        }

        return await PostgresTestDatabase.CreateAsync(_template.Name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_template is not null)
        {
            await _template.DisposeAsync();
        }

        _lock.Dispose();
    }

    /// <summary>Migrated as an operator's <c>migrate</c> would, since a node refuses an unmigrated PostgreSQL database.</summary>
    private static async Task<PostgresTestDatabase> MigratedTemplateAsync()
    {
        var template = await PostgresTestDatabase.CreateAsync();
        try
        {
            // Unpooled: a database is copied only while nothing is connected to it.
            var options = new DbContextOptionsBuilder<LatchkeyDbContext>();
            PostgreSqlStorage.Configure(options, new NpgsqlConnectionStringBuilder(template.ConnectionString) { Pooling = false }.ConnectionString);
            await using var db = new LatchkeyDbContext(options.Options);
            await PostgreSqlStorage.MigrateAsync(db, CancellationToken.None);
            return template;
        }
        catch
        {
            await template.DisposeAsync();
            throw;
        }
    }
}

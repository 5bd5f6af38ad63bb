using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Latchkey.Storage.PostgreSql;

/// <summary>
/// PostgreSQL for many nodes (decision 0011): every node is stateless and shares one database. Unlike SQLite the
/// server never migrates it on its own; an operator runs <c>migrate</c> once per release, before the nodes.
/// </summary>
public static class PostgreSqlStorage
{
    /// <summary>
    /// The operator's connection string with fail-fast defaults where it says nothing: a node that cannot reach the
    /// database answers 503 within seconds instead of holding the request for Npgsql's 15 s connect timeout.
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's own string lists exactly the keys that were set, under their canonical names (CommandTimeout becomes
        // "Command Timeout"), so "Timeout" here is the connect timeout and nothing else that merely ends in Timeout.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
        if (!given.ContainsKey("Timeout"))
        {
            builder.Timeout = 3;
        }

        if (!given.ContainsKey("Command Timeout"))
        {
            builder.CommandTimeout = 15;
        }

        // Npgsql puts a reset (DISCARD ALL) in front of the first command on every reused pooled connection, to clear
        // session state Latchkey never sets (no SET, LISTEN, advisory locks or temporary tables: docs/deployment.md):
        // one more statement for the server at every pool checkout, as many checkouts as statements in a refresh.
        if (!given.ContainsKey("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        // Statements used often are prepared once per connection instead of parsed and planned at every call, as
        // pgjdbc (Keycloak) and pgx (Kratos) do by default: PostgreSQL's CPU per refresh went from 0.68 to 0.28 ms
        // (docs/benchmarks.md). Through PgBouncer before 1.21, or without max_prepared_statements, the operator
        // sets Max Auto Prepare=0 (docs/deployment.md).
        if (!given.ContainsKey("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 20;
        }

        builder.ApplicationName ??= "latchkey";
        return builder.ConnectionString;
    }

    /// <summary>
    /// The server's configuration: the compiled model (docs/decisions/0018-start-up-cost.md) and no
    /// pending-model-changes check at migrate (the storage tests make that check instead).
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        ConfigureWithBuiltModel(options, connectionString)
#if !WITHOUT_COMPILED_MODEL
            .UseModel(CompiledModel.LatchkeyDbContextModel.Instance)
#endif
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>The model built from the entity configurations: for the EF tools and the test that compares the two.</summary>
    public static DbContextOptionsBuilder ConfigureWithBuiltModel(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithDefaults(connectionString), npgsql => npgsql.MigrationsAssembly(typeof(PostgreSqlStorage).Assembly.GetName().Name))
            .UseOpenIddict();

    /// <summary>The migrations of the pre-release builds, squashed into <c>Initial</c> (docs/decisions/0021-squashed-migrations.md).</summary>
    public static IReadOnlyList<string> PreReleaseMigrations { get; } =
    [
        "20261128112328_Initial",
        "20261128121049_HostedPagesBranding",
        "20261129015817_AuditEvents",
        "20261206042121_AttackHardening",
    ];

    /// <summary>
    /// Applies pending migrations (the <c>migrate</c> command); concurrent runs are serialised by EF's lock. A database
    /// of a pre-release build first has its history moved to the squashed baseline.
    /// </summary>
    public static async Task MigrateAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        await SquashedMigrations.AdoptAsync(db, PreReleaseMigrations, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the server or a database.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LatchkeyDbContext>
{
    public LatchkeyDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<LatchkeyDbContext>();
        PostgreSqlStorage.ConfigureWithBuiltModel(builder, "Host=127.0.0.1;Database=latchkey_design;Username=latchkey;Password=latchkey");
        return new LatchkeyDbContext(builder.Options);
    }
}

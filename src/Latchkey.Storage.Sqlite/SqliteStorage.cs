using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Latchkey.Storage.Sqlite;

public static class SqliteStorage
{
    /// <summary>The database file's name in the data directory.</summary>
    public const string FileName = "latchkey.db";

    /// <summary>The database file under the data directory.</summary>
    public static string ConnectionStringFor(string dataDirectory) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, FileName),
        Pooling = true,
        // Writers wait for each other instead of failing at once with SQLITE_BUSY.
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// The server's configuration: the compiled model (docs/decisions/0018-start-up-cost.md) instead of building
    /// one from the entity configurations at every start, and no pending-model-changes check at migrate (it builds
    /// the model from configuration all the same; the storage tests make that check instead).
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        ConfigureWithBuiltModel(options, connectionString)
#if !WITHOUT_COMPILED_MODEL
            .UseModel(CompiledModel.LatchkeyDbContextModel.Instance)
#endif
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>The model built from the entity configurations: for the EF tools and the test that compares the two.</summary>
    public static DbContextOptionsBuilder ConfigureWithBuiltModel(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteStorage).Assembly.GetName().Name))
            .AddInterceptors(ConnectionPragmas.Instance)
            .UseOpenIddict();

    /// <summary>
    /// Per-connection settings, not stored in the file, applied once per SQLite connection handle the first time the
    /// pool hands it out:
    /// <list type="bullet">
    /// <item><c>synchronous=NORMAL</c> (decision 0001). Set once in <see cref="MigrateAsync"/> it applied to the
    /// migrating connection only, and every pooled connection committed with the default FULL (an fsync of the WAL per
    /// write transaction).</item>
    /// <item><c>busy_timeout</c>: a writer that finds another writer's lock waits inside SQLite, which retries after
    /// 1, 2, 5, 10… ms. Without it SQLite answers SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed
    /// <c>Thread.Sleep(150)</c> that also holds a thread-pool thread: concurrent sign-ins waited 150 ms steps (issue #25,
    /// the flow's p99 of 617 ms in docs/benchmarks.md). Past it, Microsoft.Data.Sqlite's own retries go on until the
    /// connection's <c>DefaultTimeout</c>.</item>
    /// </list>
    /// </summary>
    private sealed class ConnectionPragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        public static readonly ConnectionPragmas Instance = new();
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = [];

        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
            Apply(connection);

        public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(System.Data.Common.DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle } sqlite && !Configured.TryGetValue(handle, out _))
            {
                using var command = sqlite.CreateCommand();
                command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
                command.ExecuteNonQuery();
                Configured.AddOrUpdate(handle, handle);
            }
        }
    }

    /// <summary>The migrations of the pre-release builds, squashed into <c>Initial</c> (docs/decisions/0021-squashed-migrations.md).</summary>
    public static IReadOnlyList<string> PreReleaseMigrations { get; } =
    [
        "20261128041127_Initial",
        "20261128043539_MemberSessions",
        "20261128051536_EmailOutbox",
        "20261128051919_FlowCodes",
        "20261128053228_RecoveryFlows",
        "20261128083407_Mfa",
        "20261128085118_SiteEmailSettings",
        "20261128085255_AbuseProtection",
        "20261128092242_PasswordRulesAndEnumeration",
        "20261128112316_DataProtectionKeys",
        "20261128121001_HostedPagesBranding",
        "20261129015807_AuditEvents",
        "20261206042106_AttackHardening",
    ];

    /// <summary>
    /// Applies migrations, then turns on WAL (persistent in the file): readers no longer block the writer, which is
    /// what lets one SQLite file serve concurrent requests.
    /// </summary>
    public static async Task MigrateAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        // Migrate checks the model and builds the target model of every migration it applies; asking first (the
        // history table against the migrations assembly) keeps a restart from building any model.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            // A database of a pre-release build lists migrations squashed since: its history moves to the baseline.
            await SquashedMigrations.AdoptAsync(db, PreReleaseMigrations, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LatchkeyDbContext>
{
    public LatchkeyDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<LatchkeyDbContext>();
        Configure(builder);
        return new LatchkeyDbContext(builder.Options);
    }

    private static void Configure(DbContextOptionsBuilder builder) =>
        SqliteStorage.ConfigureWithBuiltModel(builder, "Data Source=design-time.db");
}

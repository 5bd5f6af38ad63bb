using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.Contract;

/// <summary>
/// Every migration after the squashed baseline (docs/decisions/0021-squashed-migrations.md) must carry the rows of a
/// database that is at the baseline: a provider's test project subclasses this with its baseline's id and a fresh,
/// empty database per test.
/// <para>
/// How it guards: the database is migrated to the baseline only, and one row per table is written in raw SQL against
/// the baseline's columns, as a database in production holds them. Then the provider migrates it to the latest
/// migration, the way <c>migrate</c> and the SQLite start do, and the rows are read back through the stores of this
/// build. Today baseline and latest are the same and the migration step does nothing. A later migration that cannot
/// keep the rows fails here: a NOT NULL column added without a default (SQLite and PostgreSQL refuse it on a table
/// with rows), a unique index the rows break, a table rebuilt or a column renamed, retyped or dropped so that a value
/// is lost or reads back changed, an enum renumbered. The SQL below is the baseline's and never changes with the
/// model: when a later model needs other values, extend the assertions, not the rows.
/// </para>
/// </summary>
public abstract partial class MigrationUpgradeContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid SiteId = Guid.Parse("0193a6e0-0000-7000-8000-000000000001");
    private static readonly Guid MemberId = Guid.Parse("0193a6e0-0000-7000-8000-000000000002");
    private static readonly Guid SessionId = Guid.Parse("0193a6e0-0000-7000-8000-000000000003");
    private static readonly Guid FlowId = Guid.Parse("0193a6e0-0000-7000-8000-000000000004");
    private static readonly Guid OutboxId = Guid.Parse("0193a6e0-0000-7000-8000-000000000005");
    private static readonly byte[] SessionTokenHash = [1, 1, 1, 1];
    private static readonly byte[] StateTokenHash = [2, 2, 2, 2];
    private static readonly byte[] ApiKeyHash = [3, 3, 3, 3];
    private static readonly byte[] RecoveryCodeHash = [4, 4, 4, 4];
    private ServiceProvider? _services;

    /// <summary>The id of the provider's first migration, the baseline every later one must upgrade from.</summary>
    protected abstract string Baseline { get; }

    /// <summary>The provider's pre-release migrations that the baseline replaced.</summary>
    protected abstract IReadOnlyList<string> PreReleaseMigrations { get; }

    /// <summary>Registers <see cref="LatchkeyDbContext"/> on a fresh, empty database.</summary>
    protected abstract void AddDatabase(IServiceCollection services);

    /// <summary>Migrates to the latest migration as the provider does in production.</summary>
    protected abstract Task MigrateAsync(LatchkeyDbContext db);

    /// <summary>A value as the provider's columns hold it: SQLite keeps a Guid as upper-case text and a bool as 0 or 1.</summary>
    protected abstract object Column(object value);

    protected virtual ValueTask CreateDatabaseAsync() => ValueTask.CompletedTask;

    protected virtual ValueTask DropDatabaseAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        var services = new ServiceCollection();
        AddDatabase(services);
        services.AddLatchkeyStores();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    private T Fresh<T>() where T : notnull => _services!.CreateScope().ServiceProvider.GetRequiredService<T>();

    [Fact]
    public void The_baseline_is_the_first_migration()
    {
        var migrations = Fresh<LatchkeyDbContext>().Database.GetMigrations().ToList();

        Assert.Equal(Baseline, migrations[0]);
        Assert.DoesNotContain(migrations, PreReleaseMigrations.Contains);
    }

    [Fact]
    public async Task Rows_written_at_the_baseline_survive_every_later_migration()
    {
        await Fresh<LatchkeyDbContext>().GetService<IMigrator>().MigrateAsync(Baseline, TestContext.Current.CancellationToken);
        await WriteBaselineRowsAsync();

        await MigrateAsync(Fresh<LatchkeyDbContext>());

        var db = Fresh<LatchkeyDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        await AssertBaselineRowsAsync();
    }

    [Fact]
    public async Task A_database_at_the_last_pre_release_migration_is_taken_over_with_its_rows()
    {
        await Fresh<LatchkeyDbContext>().GetService<IMigrator>().MigrateAsync(Baseline, TestContext.Current.CancellationToken);
        await WriteBaselineRowsAsync();
        // The squash changed no table, column or index, so a pre-release database has this schema under the old history.
        await RewriteHistoryAsync(PreReleaseMigrations);

        await MigrateAsync(Fresh<LatchkeyDbContext>());

        var applied = await Fresh<LatchkeyDbContext>().Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Fresh<LatchkeyDbContext>().Database.GetMigrations(), applied);
        await AssertBaselineRowsAsync();
    }

    [Fact]
    public async Task A_database_part_way_through_the_pre_release_migrations_is_refused_with_what_to_do()
    {
        await Fresh<LatchkeyDbContext>().GetService<IMigrator>().MigrateAsync(Baseline, TestContext.Current.CancellationToken);
        await RewriteHistoryAsync([.. PreReleaseMigrations.Take(PreReleaseMigrations.Count - 1)]);

        var refused = await Assert.ThrowsAsync<MigrationHistoryException>(() => MigrateAsync(Fresh<LatchkeyDbContext>()));

        Assert.Contains(PreReleaseMigrations[^2], refused.Message, StringComparison.Ordinal);
        Assert.Contains(PreReleaseMigrations[^1], refused.Message, StringComparison.Ordinal);
        Assert.Contains("docs/decisions/0021-squashed-migrations.md", refused.Message, StringComparison.Ordinal);
        // Nothing was changed: the history is the one the database came with.
        Assert.Equal(PreReleaseMigrations.Count - 1, (await Fresh<LatchkeyDbContext>().Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken)).Count());
    }

    private async Task RewriteHistoryAsync(IReadOnlyList<string> migrationIds)
    {
        var db = Fresh<LatchkeyDbContext>();
        var history = db.GetService<IHistoryRepository>();
        foreach (var applied in await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(applied), TestContext.Current.CancellationToken);
        }

        foreach (var id in migrationIds)
        {
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(id, "10.0.0")), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The rows of <see cref="WriteBaselineRowsAsync"/>, read through this build's stores.</summary>
    private async Task AssertBaselineRowsAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        var site = await Fresh<ISiteStore>().FindAsync(SiteId, cancel);
        Assert.NotNull(site);
        Assert.Equal(("Upgraded site", true, 10, 2, true, Now), (site.Name, site.RequireOwnerApproval, site.PasswordMinLength, site.PasswordMinStrength, site.EnumerationSafeRegistration, site.CreatedAt));
        Assert.Equal(("Upgraded", "de", "#112233", true), (site.Branding.DisplayName, site.Branding.Language, site.Branding.PrimaryColor, site.Branding.OfferMfaEnrolment));
        Assert.Equal((CaptchaMode.Always, CaptchaProvider.Turnstile, 0.7, 50_000, 5, "site-key"),
            (site.Captcha.Mode, site.Captcha.Provider, site.Captcha.MinScore, site.Captcha.AltchaMaxNumber, site.Captcha.RiskAfterFailures, site.Captcha.SiteKey));

        var member = await Fresh<IMemberStore>().FindByEmailAsync(SiteId, "ann@example.com", cancel);
        Assert.NotNull(member);
        Assert.Equal((MemberId, "Ann@Example.com", MemberStatus.Active, true, true, 3L, "stamp"),
            (member.Id, member.Email, member.Status, member.EmailVerified, member.MfaEnabled, member.Revision, member.SecurityStamp));
        Assert.Equal("ann", member.Profile.Nickname);
        Assert.Equal(["a"], member.Profile.Labels!);
        // The Members API's columns (issue #24) are filled from the profile.
        Assert.Equal(("ann", MemberPrivacy.Undefined, null, null), (member.Nickname, member.Privacy, member.Slug, member.LastLoginAt));

        var session = await Fresh<IMemberSessionStore>().FindWithMemberAsync(SessionId, cancel);
        Assert.Equal((MemberId, Now.AddDays(1)), (session!.Member.Id, session.Session.ExpiresAt));
        Assert.Equal(SiteId, await Fresh<ISessionTokenStore>().FindSiteAsync(SessionTokenHash, Now, cancel));

        var flow = await Fresh<IFlowStore>().FindByStateTokenAsync(StateTokenHash, cancel);
        Assert.Equal((FlowId, FlowKind.Registration, FlowState.RequireEmailVerification, 2, 1, "https://site.example/back"),
            (flow!.Id, flow.Kind, flow.State, flow.Attempts, flow.Resends, flow.ReturnTo));

        var client = await Fresh<IClientStore>().FindAsync("upgraded-client", cancel);
        Assert.Equal(ClientKind.WixSdk, client!.Kind);
        Assert.Equal(["https://site.example/callback"], client.RedirectUris);
        Assert.Equal(["https://site.example"], client.AllowedOrigins);
        Assert.Equal(ApiKeyPermissions.SignOn | ApiKeyPermissions.Admin, (await Fresh<IClientStore>().FindApiKeyAsync(ApiKeyHash, cancel))!.Permissions);

        var audit = Assert.Single(await Fresh<IAuditLog>().QueryAsync(SiteId, new AuditQuery(), cancel));
        Assert.Equal((AuditActions.MemberBlocked, MemberId.ToString(), """{"reason":"upgrade"}""", Now), (audit.Action, audit.TargetId, audit.Details, audit.OccurredAt));

        Assert.Equal(1234L, (await Fresh<IMfaStore>().FindAsync(MemberId, cancel))!.LastUsedStep);
        Assert.Equal(1, await Fresh<IMfaStore>().CountUnusedRecoveryCodesAsync(MemberId, cancel));
        var email = await Fresh<ISiteEmailSettingsStore>().FindAsync(SiteId, cancel);
        Assert.Equal(("smtp.site.example", 465, SmtpSecurity.SslOnConnect, "mailer"), (email!.Host, email.Port, email.Security, email.UserName));
        Assert.Equal(OutboxId, Assert.Single(await Fresh<IOutboxStore>().ClaimDueAsync(Now, TimeSpan.FromMinutes(1), 10, cancel)).Id);
        Assert.Equal("Decoy", Assert.Single(await Fresh<IRegistrationDecoyStore>().ListAsync(MemberId, cancel)).Profile.FirstName);
        Assert.Equal(Now.AddDays(1), await Fresh<IGuessStore>().PausedUntilAsync("guess-key", Now, cancel));
        Assert.Equal(4, await Fresh<IThrottleStore>().CountAsync("throttle-key", Now, cancel));
        Assert.False(await Fresh<ICaptchaReplayStore>().TryUseAsync("captcha-digest", Now.AddDays(1), cancel));

        var db = Fresh<LatchkeyDbContext>();
        Assert.Equal(Now.AddDays(1), (await db.SigningKeys.SingleAsync(cancel)).RetiresAt);
        Assert.Equal("<key />", (await db.DataProtectionKeys.SingleAsync(cancel)).Xml);
        foreach (var table in new[] { "OpenIddictApplications", "OpenIddictScopes", "OpenIddictAuthorizations", "OpenIddictTokens" })
        {
            Assert.Equal(1L, Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM \"{table}\""), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("reference-upgraded", await ScalarAsync("SELECT \"ReferenceId\" FROM \"OpenIddictTokens\" WHERE \"AuthorizationId\" = 'authorization-upgraded'"));
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var db = Fresh<LatchkeyDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}

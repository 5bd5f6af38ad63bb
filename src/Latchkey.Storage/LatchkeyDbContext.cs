using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage;

/// <summary>
/// One model for every provider: Latchkey's tables plus OpenIddict's (applications, authorizations, scopes, tokens).
/// Each provider project brings its own migrations set.
/// </summary>
public sealed class LatchkeyDbContext(DbContextOptions<LatchkeyDbContext> options) : DbContext(options)
{
    /// <summary>The Npgsql EF Core provider's name, for the model's few PostgreSQL-only settings.</summary>
    public const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<SiteClient> Clients => Set<SiteClient>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SessionToken> SessionTokens => Set<SessionToken>();
    public DbSet<Flow> Flows => Set<Flow>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<MemberSession> MemberSessions => Set<MemberSession>();
    public DbSet<OutboxEmail> Outbox => Set<OutboxEmail>();
    public DbSet<MfaEnrolment> MfaEnrolments => Set<MfaEnrolment>();
    public DbSet<MfaRecoveryCode> MfaRecoveryCodes => Set<MfaRecoveryCode>();
    public DbSet<SiteEmailSettings> SiteEmailSettings => Set<SiteEmailSettings>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Core.SocialSignIn.IdentityProvider> IdentityProviders => Set<Core.SocialSignIn.IdentityProvider>();
    public DbSet<Core.SocialSignIn.LinkedIdentity> LinkedIdentities => Set<Core.SocialSignIn.LinkedIdentity>();
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LatchkeyDbContext).Assembly);
        modelBuilder.UseOpenIddict();
        if (Database.ProviderName == PostgreSqlProvider)
        {
            // A prefix search on the login email (the Members API's $startsWith, LIKE 'prefix%') can use a b-tree index
            // only under the C collation or with a pattern operator class; the database's collation is the operator's
            // choice, so the unique email index carries text_pattern_ops (which also serves equality). SQLite searches
            // the prefix as a range of the same index instead (EfMemberDirectory).
            modelBuilder.Entity<Member>().HasIndex(m => new { m.SiteId, m.NormalizedEmail })
                .HasAnnotation("Npgsql:IndexOperators", new[] { null, "text_pattern_ops" });
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Timestamps are stored as UTC ticks on every provider: sortable and comparable in SQL (SQLite has no
        // native DateTimeOffset ordering), and never subject to a server's time zone.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
    }
}

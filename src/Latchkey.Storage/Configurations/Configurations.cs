using System.Text.Json;
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
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> builder)
    {
        builder.ToTable("sites");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Ignore(s => s.PasswordPolicy);
        builder.Ignore(s => s.HashParameters);
        builder.ComplexProperty(s => s.Captcha, captcha =>
        {
            captcha.Property(c => c.VerifyUrl).HasMaxLength(2048);
            captcha.Property(c => c.SiteKey).HasMaxLength(256);
            captcha.Property(c => c.SealedSecret).HasMaxLength(2048);
            captcha.Property(c => c.Hostnames).HasMaxLength(1024);
            captcha.Ignore(c => c.HostnameList);
        });
        builder.Property(s => s.ImportedDummyHash).HasMaxLength(Member.MaxPasswordHashLength);
        builder.ComplexProperty(s => s.Branding, branding =>
        {
            branding.Property(b => b.DisplayName).HasMaxLength(100);
            branding.Property(b => b.LogoUrl).HasMaxLength(SiteBranding.MaxLogoUrlLength);
            branding.Property(b => b.PrimaryColor).HasMaxLength(7);
            branding.Property(b => b.Language).HasMaxLength(8);
        });
    }
}

internal sealed class ThrottleCounterConfiguration : IEntityTypeConfiguration<Stores.ThrottleCounter>
{
    public void Configure(EntityTypeBuilder<Stores.ThrottleCounter> builder)
    {
        builder.ToTable("throttle_counters");
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(64);
        builder.HasIndex(c => c.ExpiresAt);
    }
}

internal sealed class GuessCounterConfiguration : IEntityTypeConfiguration<Stores.GuessCounter>
{
    public void Configure(EntityTypeBuilder<Stores.GuessCounter> builder)
    {
        builder.ToTable("guess_counters");
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(64);
        builder.HasIndex(c => c.UpdatedAt);
    }
}

internal sealed class RegistrationDecoyConfiguration : IEntityTypeConfiguration<Core.Features.Registration.RegistrationDecoy>
{
    public void Configure(EntityTypeBuilder<Core.Features.Registration.RegistrationDecoy> builder)
    {
        builder.ToTable("registration_decoys");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Email).HasMaxLength(EmailAddress.MaxLength);
        builder.HasIndex(d => d.OwnerId);
        builder.Property(d => d.Profile)
            .HasColumnName("profile_json")
            .HasConversion(p => p.ToJson(), json => IdentityProfile.FromJson(json))
            .Metadata.SetValueComparer(new ValueComparer<IdentityProfile>(
                (a, b) => a!.ToJson() == b!.ToJson(), p => p.ToJson().GetHashCode(StringComparison.Ordinal), p => p));
        builder.HasOne<Member>().WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaptchaReplayConfiguration : IEntityTypeConfiguration<Stores.CaptchaReplay>
{
    public void Configure(EntityTypeBuilder<Stores.CaptchaReplay> builder)
    {
        builder.ToTable("captcha_replays");
        builder.HasKey(c => c.Digest);
        builder.Property(c => c.Digest).HasMaxLength(64);
        builder.HasIndex(c => c.ExpiresAt);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.ToTable("members");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Email).HasMaxLength(EmailAddress.MaxLength);
        builder.Property(m => m.NormalizedEmail).HasMaxLength(EmailAddress.MaxLength);
        // Uniqueness on the normal form, never on a collation (docs/conventions.md#storage).
        builder.HasIndex(m => new { m.SiteId, m.NormalizedEmail }).IsUnique();
        builder.Property(m => m.PasswordHash).HasMaxLength(Member.MaxPasswordHashLength);
        builder.Property(m => m.SecurityStamp).HasMaxLength(64);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.Property(m => m.Profile)
            .HasColumnName("profile_json")
            .HasConversion(p => p.ToJson(), json => IdentityProfile.FromJson(json))
            .Metadata.SetValueComparer(new ValueComparer<IdentityProfile>(
                (a, b) => a!.ToJson() == b!.ToJson(), p => p.ToJson().GetHashCode(StringComparison.Ordinal), p => p));
        builder.HasOne<Site>().WithMany().HasForeignKey(m => m.SiteId).OnDelete(DeleteBehavior.Cascade);

        // The Members API (docs/wire/members.md): the slug is unique per site in its normal form (NULLs are distinct
        // on both databases, so members without one do not collide); the nickname and privacy status mirror the
        // profile so that they can be filtered on; listing pages by creation date per site.
        builder.Property(m => m.Slug).HasMaxLength(MemberSlug.MaxLength);
        builder.HasIndex(m => new { m.SiteId, m.Slug }).IsUnique();
        builder.HasIndex(m => new { m.SiteId, m.CreatedAt });
    }
}

internal sealed class SiteClientConfiguration : IEntityTypeConfiguration<SiteClient>
{
    public void Configure(EntityTypeBuilder<SiteClient> builder)
    {
        builder.ToTable("site_clients");
        builder.HasKey(c => c.ClientId);
        builder.Property(c => c.ClientId).HasMaxLength(100);
        builder.Property(c => c.RedirectUris).HasConversion(StringListConverter.Instance).Metadata.SetValueComparer(StringListConverter.Comparer);
        builder.Property(c => c.AllowedOrigins).HasConversion(StringListConverter.Instance).Metadata.SetValueComparer(StringListConverter.Comparer);
        builder.HasOne<Site>().WithMany().HasForeignKey(c => c.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(200);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasOne<Site>().WithMany().HasForeignKey(k => k.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionTokenConfiguration : IEntityTypeConfiguration<SessionToken>
{
    public void Configure(EntityTypeBuilder<SessionToken> builder)
    {
        builder.ToTable("session_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.MemberStamp).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.ExpiresAt);
        builder.HasOne<Member>().WithMany().HasForeignKey(t => t.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FlowConfiguration : IEntityTypeConfiguration<Flow>
{
    public void Configure(EntityTypeBuilder<Flow> builder)
    {
        builder.ToTable("flows");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.MemberStamp).HasMaxLength(64);
        builder.HasIndex(f => f.StateTokenHash).IsUnique();
        builder.HasIndex(f => f.ExpiresAt);
        builder.HasOne<Member>().WithMany().HasForeignKey(f => f.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MemberSessionConfiguration : IEntityTypeConfiguration<MemberSession>
{
    public void Configure(EntityTypeBuilder<MemberSession> builder)
    {
        builder.ToTable("member_sessions");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.CookieHash).IsUnique();
        builder.HasIndex(s => s.MemberId);
        builder.HasOne<Member>().WithMany().HasForeignKey(s => s.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.ToTable("email_outbox");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.To).HasMaxLength(EmailAddress.MaxLength);
        builder.Property(e => e.Subject).HasMaxLength(500);
        builder.Property(e => e.LastError).HasMaxLength(1000);
        builder.HasIndex(e => new { e.SentAt, e.NextAttemptAt });
    }
}

internal sealed class MfaEnrolmentConfiguration : IEntityTypeConfiguration<MfaEnrolment>
{
    public void Configure(EntityTypeBuilder<MfaEnrolment> builder)
    {
        builder.ToTable("mfa_enrolments");
        builder.HasKey(e => e.MemberId);
        builder.Ignore(e => e.IsActive);
        builder.HasOne<Member>().WithOne().HasForeignKey<MfaEnrolment>(e => e.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MfaRecoveryCodeConfiguration : IEntityTypeConfiguration<MfaRecoveryCode>
{
    public void Configure(EntityTypeBuilder<MfaRecoveryCode> builder)
    {
        builder.ToTable("mfa_recovery_codes");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.MemberId, c.CodeHash });
        builder.HasOne<Member>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SiteEmailSettingsConfiguration : IEntityTypeConfiguration<SiteEmailSettings>
{
    public void Configure(EntityTypeBuilder<SiteEmailSettings> builder)
    {
        builder.ToTable("site_email_settings");
        builder.HasKey(s => s.SiteId);
        builder.Property(s => s.Host).HasMaxLength(255);
        builder.Property(s => s.UserName).HasMaxLength(255);
        builder.Property(s => s.From).HasMaxLength(320);
        builder.Property(s => s.Security).HasConversion<string>().HasMaxLength(32);
        builder.HasOne<Site>().WithOne().HasForeignKey<SiteEmailSettings>(s => s.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdentityProviderConfiguration : IEntityTypeConfiguration<Core.SocialSignIn.IdentityProvider>
{
    public void Configure(EntityTypeBuilder<Core.SocialSignIn.IdentityProvider> builder)
    {
        builder.ToTable("identity_providers");
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.SiteId);
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(p => p.DisplayName).HasMaxLength(64);
        builder.Property(p => p.ClientId).HasMaxLength(255);
        builder.Property(p => p.Issuer).HasMaxLength(2048);
        builder.Property(p => p.Tenant).HasMaxLength(255);
        builder.Property(p => p.TeamId).HasMaxLength(10);
        builder.Property(p => p.KeyId).HasMaxLength(10);
        builder.HasOne<Site>().WithMany().HasForeignKey(p => p.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LinkedIdentityConfiguration : IEntityTypeConfiguration<Core.SocialSignIn.LinkedIdentity>
{
    public void Configure(EntityTypeBuilder<Core.SocialSignIn.LinkedIdentity> builder)
    {
        builder.ToTable("linked_identities");
        builder.HasKey(i => i.Id);
        // One upstream account belongs to at most one member: the key two racing sign-ins meet on.
        builder.HasIndex(i => new { i.ProviderId, i.Subject }).IsUnique();
        builder.HasIndex(i => i.MemberId);
        builder.Property(i => i.Subject).HasMaxLength(255);
        builder.Property(i => i.Email).HasMaxLength(EmailAddress.MaxLength);
        builder.HasOne<Core.SocialSignIn.IdentityProvider>().WithMany().HasForeignKey(i => i.ProviderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Member>().WithMany().HasForeignKey(i => i.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Actor).HasMaxLength(100);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.TargetType).HasMaxLength(32);
        builder.Property(e => e.TargetId).HasMaxLength(100);
        builder.Property(e => e.Details).HasMaxLength(AuditEvent.MaxDetailsLength);
        // The log outlives what it describes: no foreign keys, so deleting a member (or a site) keeps its history.
        builder.HasIndex(e => new { e.SiteId, e.Id });
        builder.HasIndex(e => new { e.SiteId, e.TargetType, e.TargetId });
    }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> builder)
    {
        builder.ToTable("signing_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(64);
        builder.Property(k => k.Algorithm).HasMaxLength(16);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKeyRecord>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRecord> builder)
    {
        builder.ToTable("data_protection_keys");
        builder.HasKey(k => k.FriendlyName);
        builder.Property(k => k.FriendlyName).HasMaxLength(128);
    }
}

internal static class StringListConverter
{
    public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<IReadOnlyList<string>, string> Instance =
        new(list => JsonSerializer.Serialize(list, (JsonSerializerOptions?)null),
            json => JsonSerializer.Deserialize<List<string>>(json, (JsonSerializerOptions?)null) ?? new List<string>());

    public static readonly ValueComparer<IReadOnlyList<string>> Comparer =
        new((a, b) => a!.SequenceEqual(b!), list => list.Aggregate(0, (h, s) => HashCode.Combine(h, s)), list => list.ToList());
}

using System.Data.Common;
using Latchkey.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Contract;

/// <summary>The rows of a database at the baseline, written in the baseline's SQL.</summary>
public abstract partial class MigrationUpgradeContract
{
    /// <summary>One row in every table, in the baseline's columns. Never edit for a later model (see the class comment).</summary>
    private async Task WriteBaselineRowsAsync()
    {
        var ticks = Now.UtcTicks;
        var later = Now.AddDays(1).UtcTicks;
        await using var db = Fresh<LatchkeyDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await InsertAsync(connection, "sites", new()
        {
            ["Id"] = SiteId,
            ["Name"] = "Upgraded site",
            ["RequireOwnerApproval"] = true,
            ["RequireEmailVerification"] = false,
            ["RevealUnknownEmail"] = false,
            ["PasswordMinLength"] = 10,
            ["PasswordMaxLength"] = 128,
            ["PasswordCheckBreached"] = true,
            ["PasswordMinStrength"] = 2,
            ["EnumerationSafeRegistration"] = true,
            ["HashIterations"] = 2,
            ["HashMemoryKiB"] = 19456,
            ["CreatedAt"] = ticks,
            ["ImportedDummyHash"] = null,
            ["Branding_DisplayName"] = "Upgraded",
            ["Branding_Language"] = "de",
            ["Branding_LogoUrl"] = null,
            ["Branding_OfferMfaEnrolment"] = true,
            ["Branding_PrimaryColor"] = "#112233",
            ["Captcha_Actions"] = 7,
            ["Captcha_AltchaMaxNumber"] = 50_000,
            ["Captcha_FailOpen"] = false,
            ["Captcha_Hostnames"] = null,
            ["Captcha_MinScore"] = 0.7,
            ["Captcha_Mode"] = 1 /* Always */,
            ["Captcha_Provider"] = 4 /* Turnstile */,
            ["Captcha_RiskAfterFailures"] = 5,
            ["Captcha_SealedSecret"] = null,
            ["Captcha_SiteKey"] = "site-key",
            ["Captcha_VerifyUrl"] = null,
        });
        await InsertAsync(connection, "members", new()
        {
            ["Id"] = MemberId,
            ["SiteId"] = SiteId,
            ["Email"] = "Ann@Example.com",
            ["NormalizedEmail"] = "ann@example.com",
            ["EmailVerified"] = true,
            ["Status"] = 1 /* Active */,
            ["PendingReasons"] = 0,
            ["PasswordHash"] = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            ["PasswordResetRequired"] = false,
            ["MfaEnabled"] = true,
            ["profile_json"] = """{"nickname":"ann","labels":["a"]}""",
            ["Revision"] = 3L,
            ["SecurityStamp"] = "stamp",
            ["CreatedAt"] = ticks,
            ["UpdatedAt"] = ticks,
        });
        await InsertAsync(connection, "member_sessions", new()
        {
            ["Id"] = SessionId,
            ["SiteId"] = SiteId,
            ["MemberId"] = MemberId,
            ["CookieHash"] = null,
            ["KeyVersion"] = 1,
            ["CreatedAt"] = ticks,
            ["ExpiresAt"] = later,
            ["RevokedAt"] = null,
        });
        await InsertAsync(connection, "session_tokens", new()
        {
            ["Id"] = Guid.Parse("0193a6e0-0000-7000-8000-000000000006"),
            ["SiteId"] = SiteId,
            ["MemberId"] = MemberId,
            ["MemberStamp"] = "stamp",
            ["TokenHash"] = SessionTokenHash,
            ["KeyVersion"] = 1,
            ["CreatedAt"] = ticks,
            ["ExpiresAt"] = later,
            ["ConsumedAt"] = null,
        });
        await InsertAsync(connection, "flows", new()
        {
            ["Id"] = FlowId,
            ["SiteId"] = SiteId,
            ["MemberId"] = MemberId,
            ["MemberStamp"] = "stamp",
            ["Kind"] = 1 /* Registration */,
            ["State"] = 1 /* RequireEmailVerification */,
            ["StateTokenHash"] = StateTokenHash,
            ["KeyVersion"] = 1,
            ["Attempts"] = 2,
            ["ReturnTo"] = "https://site.example/back",
            ["CodeHash"] = new byte[] { 5 },
            ["CodeExpiresAt"] = later,
            ["Resends"] = 1,
            ["CodeSentAt"] = ticks,
            ["CreatedAt"] = ticks,
            ["ExpiresAt"] = later,
        });
        await InsertAsync(connection, "site_clients", new()
        {
            ["ClientId"] = "upgraded-client",
            ["SiteId"] = SiteId,
            ["Kind"] = 1 /* WixSdk */,
            ["RedirectUris"] = """["https://site.example/callback"]""",
            ["AllowedOrigins"] = """["https://site.example"]""",
            ["CreatedAt"] = ticks,
        });
        await InsertAsync(connection, "api_keys", new()
        {
            ["Id"] = Guid.Parse("0193a6e0-0000-7000-8000-000000000007"),
            ["SiteId"] = SiteId,
            ["Name"] = "root",
            ["KeyHash"] = ApiKeyHash,
            ["KeyVersion"] = 1,
            ["Permissions"] = 3 /* SignOn | Admin */,
            ["CreatedAt"] = ticks,
            ["RevokedAt"] = null,
        });
        await InsertAsync(connection, "audit_events", new()
        {
            ["SiteId"] = SiteId,
            ["OccurredAt"] = ticks,
            ["Actor"] = "cli",
            ["Action"] = AuditActions.MemberBlocked,
            ["TargetType"] = "member",
            ["TargetId"] = MemberId.ToString(),
            ["Details"] = """{"reason":"upgrade"}""",
        });
        await InsertAsync(connection, "mfa_enrolments", new()
        {
            ["MemberId"] = MemberId,
            ["SiteId"] = SiteId,
            ["Secret"] = new byte[] { 6, 6 },
            ["PendingSecret"] = null,
            ["PendingExpiresAt"] = null,
            ["LastUsedStep"] = 1234L,
            ["CreatedAt"] = ticks,
            ["ActivatedAt"] = ticks,
        });
        await InsertAsync(connection, "mfa_recovery_codes", new()
        {
            ["Id"] = Guid.Parse("0193a6e0-0000-7000-8000-000000000008"),
            ["MemberId"] = MemberId,
            ["CodeHash"] = RecoveryCodeHash,
            ["KeyVersion"] = 1,
            ["CreatedAt"] = ticks,
            ["UsedAt"] = null,
        });
        await InsertAsync(connection, "site_email_settings", new()
        {
            ["SiteId"] = SiteId,
            ["Host"] = "smtp.site.example",
            ["Port"] = 465,
            ["Security"] = "SslOnConnect",
            ["UserName"] = "mailer",
            ["SealedPassword"] = new byte[] { 7 },
            ["From"] = "Site <no-reply@site.example>",
            ["UpdatedAt"] = ticks,
        });
        await InsertAsync(connection, "email_outbox", new()
        {
            ["Id"] = OutboxId,
            ["SiteId"] = SiteId,
            ["To"] = "ann@example.com",
            ["Subject"] = "Your code",
            ["SealedText"] = new byte[] { 8 },
            ["CreatedAt"] = ticks,
            ["Attempts"] = 0,
            ["NextAttemptAt"] = ticks,
            ["LockedUntil"] = ticks,
            ["SentAt"] = null,
            ["LastError"] = null,
        });
        await InsertAsync(connection, "registration_decoys", new()
        {
            ["Id"] = Guid.Parse("0193a6e0-0000-7000-8000-000000000009"),
            ["SiteId"] = SiteId,
            ["OwnerId"] = MemberId,
            ["Email"] = "Ann@Example.com",
            ["PasswordDigest"] = new byte[] { 9 },
            ["KeyVersion"] = 1,
            ["profile_json"] = """{"firstName":"Decoy"}""",
            ["CreatedAt"] = ticks,
        });
        await InsertAsync(connection, "guess_counters", new()
        {
            ["Key"] = "guess-key",
            ["Failures"] = 0,
            ["Pauses"] = 1,
            ["PausedUntil"] = later,
            ["UpdatedAt"] = ticks,
        });
        await InsertAsync(connection, "throttle_counters", new() { ["Key"] = "throttle-key", ["WindowStart"] = ticks, ["Count"] = 4L, ["ExpiresAt"] = later });
        await InsertAsync(connection, "captcha_replays", new() { ["Digest"] = "captcha-digest", ["ExpiresAt"] = later });
        await InsertAsync(connection, "signing_keys", new()
        {
            ["Id"] = "kid-upgraded",
            ["Algorithm"] = "RS256",
            ["EncryptedPrivateKey"] = new byte[] { 10 },
            ["CreatedAt"] = ticks,
            ["RetiresAt"] = later,
        });
        await InsertAsync(connection, "data_protection_keys", new() { ["FriendlyName"] = "key-upgraded", ["Xml"] = "<key />" });
        // OpenIddict's own tables: a client application, an authorization and a refresh token of a member.
        await InsertAsync(connection, "OpenIddictApplications", new() { ["Id"] = "app-upgraded", ["ClientId"] = "upgraded-client", ["ClientType"] = "public" });
        await InsertAsync(connection, "OpenIddictScopes", new() { ["Id"] = "scope-upgraded", ["Name"] = "offline_access" });
        await InsertAsync(connection, "OpenIddictAuthorizations", new()
        {
            ["Id"] = "authorization-upgraded",
            ["ApplicationId"] = "app-upgraded",
            ["Status"] = "valid",
            ["Subject"] = MemberId.ToString(),
            ["Type"] = "ad-hoc",
        });
        await InsertAsync(connection, "OpenIddictTokens", new()
        {
            ["Id"] = "token-upgraded",
            ["ApplicationId"] = "app-upgraded",
            ["AuthorizationId"] = "authorization-upgraded",
            ["ReferenceId"] = "reference-upgraded",
            ["Status"] = "valid",
            ["Subject"] = MemberId.ToString(),
            ["Type"] = "refresh_token",
        });
    }

    private async Task InsertAsync(DbConnection connection, string table, Dictionary<string, object?> row)
    {
        await using var command = connection.CreateCommand();
        var columns = row.Keys.ToList();
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        for (var i = 0; i < columns.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = row[columns[i]] is { } value ? Column(value) : DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}

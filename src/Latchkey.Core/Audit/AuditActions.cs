namespace Latchkey.Core.Audit;

/// <summary>The action names, <c>&lt;target&gt;.&lt;past tense&gt;</c>; docs/cli.md lists them.</summary>
public static class AuditActions
{
    public const string SiteCreated = "site.created";
    public const string SiteUpdated = "site.updated";
    public const string ClientCreated = "client.created";
    public const string ClientUpdated = "client.updated";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string MemberApproved = "member.approved";
    public const string MemberBlocked = "member.blocked";
    public const string MemberDeleted = "member.deleted";
    public const string MemberSessionsRevoked = "member.sessions_revoked";
    public const string MembersExported = "members.exported";
    public const string MembersImported = "members.imported";
    public const string SigningKeyRotated = "signing_key.rotated";
    public const string CaptchaPolicyUpdated = "site.captcha_policy_updated";
    public const string EmailSettingsUpdated = "site.email_settings_updated";
    public const string EmailSettingsDeleted = "site.email_settings_deleted";
    public const string IdentityProviderCreated = "identity_provider.created";
    public const string IdentityProviderUpdated = "identity_provider.updated";
    public const string IdentityProviderDeleted = "identity_provider.deleted";
    public const string MemberIdentityUnlinked = "member.identity_unlinked";
    public const string MemberIdentityLinked = "member.identity_linked";
    public const string MemberMfaPaused = "member.mfa_paused";
    public const string MemberEmailCodesPaused = "member.email_codes_paused";
}

namespace Latchkey.Core.Audit;

/// <summary>
/// One administrative change: who (an API key id, or <c>cli</c>), what (<see cref="AuditActions"/>), on which
/// record, and a small JSON object of non-secret details. Written by every mutating admin operation on either
/// surface (CLI, REST) and by the Members API's approve and block. Never holds secrets or password hashes.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Assigned by the database, increasing: the newest event has the highest id (cursor paging).</summary>
    public long Id { get; init; }

    /// <summary>The site the change belongs to; <c>null</c> for server-wide changes (signing keys).</summary>
    public Guid? SiteId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary><c>api-key:&lt;id&gt;</c> for REST callers, <c>cli</c> for the command line, <c>latchkey</c> for the server's own acts.</summary>
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string TargetType { get; init; }
    public required string TargetId { get; init; }

    /// <summary>A JSON object, at most <see cref="MaxDetailsLength"/> characters; <c>{}</c> when there is nothing to add.</summary>
    public string Details { get; init; } = "{}";

    public const int MaxDetailsLength = 2000;
}

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
    public const string MemberMfaPaused = "member.mfa_paused";
    public const string MemberEmailCodesPaused = "member.email_codes_paused";
}

/// <summary>Actors that are not an API key or the command line.</summary>
public static class AuditActors
{
    /// <summary>Latchkey itself, e.g. pausing a member's codes after too many wrong ones.</summary>
    public const string Latchkey = "latchkey";
}

/// <summary>A filter over one site's audit events; every field is optional. <c>To</c> is exclusive.</summary>
public sealed record AuditQuery(
    string? Action = null, string? Actor = null, string? TargetType = null, string? TargetId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int PageSize = 50, long? Before = null);

using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.MemberApproval;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using OpenIddict.Abstractions;

namespace Latchkey.Server.Admin;

/// <summary>A member as the admin surfaces show it: no password hash, no MFA secret.</summary>
public sealed record MemberView(
    Guid Id, string Email, string Status, bool EmailVerified, IReadOnlyList<string> PendingReasons, bool HasPassword,
    bool MfaEnabled, bool PasswordResetRequired, string? Nickname, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MemberView From(Member m) => new(
        m.Id, m.Email, MemberAdmin.StatusName(m.Status), m.EmailVerified, MemberAdmin.ReasonNames(m.PendingReasons), m.PasswordHash is not null,
        m.MfaEnabled, m.PasswordResetRequired, m.Profile.Nickname, m.CreatedAt, m.UpdatedAt);
}

/// <summary>A member session as listed (never its cookie digest).</summary>
public sealed record SessionView(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, bool Live, bool Browser);

/// <summary>
/// Members of a site: list and search with cursor paging, show, approve, block, delete, and their sessions. Approve
/// and block are the Members API's own step (<see cref="ChangeMemberStatus"/>), shared with the Wix endpoints, so the
/// three surfaces behave alike; each change is audited.
/// </summary>
public sealed class MemberAdmin(
    IMemberStore members, IAdminStore admin, ChangeMemberStatus status, SessionService sessions, AdminAudit audit, TimeProvider clock,
    IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
{
    public const int MaxPageSize = 200;

    public static string StatusName(MemberStatus status) => status.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> ReasonNames(PendingReasons reasons) =>
        [.. new[] { (PendingReasons.EmailVerificationRequired, "email_verification"), (PendingReasons.AdminApprovalRequired, "owner_approval") }
            .Where(r => reasons.HasFlag(r.Item1)).Select(r => r.Item2)];

    /// <summary>Parses a status filter (<c>active</c>, <c>pending</c>, <c>blocked</c>); null when unknown.</summary>
    public static MemberStatus? ParseStatus(string value) =>
        Enum.TryParse<MemberStatus>(value, ignoreCase: true, out var parsed) && parsed != MemberStatus.Deleted && Enum.IsDefined(parsed) ? parsed : null;

    public async Task<Result<Page<MemberView>>> ListAsync(
        Guid siteId, string? search, string? statusFilter, int? pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        MemberStatus? wanted = null;
        if (!string.IsNullOrEmpty(statusFilter) && (wanted = ParseStatus(statusFilter)) is null)
        {
            violations.Add(new FieldViolation("status", "status is active, pending or blocked.", "ENUM", "STRING"));
        }

        var size = pageSize ?? 50;
        if (size is < 1 or > MaxPageSize)
        {
            violations.Add(new FieldViolation("pageSize", $"pageSize is between 1 and {MaxPageSize}.", "RANGE", "NUMBER"));
        }

        Guid? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (Guid.TryParse(Cursor.Decode(cursor), out var last))
            {
                after = last;
            }
            else
            {
                violations.Add(new FieldViolation("cursor", "cursor is the nextCursor of a previous page.", "FORMAT", "STRING"));
            }
        }

        if (search is { Length: > 320 })
        {
            violations.Add(new FieldViolation("search", "search has at most 320 characters.", "MAX_LENGTH", "STRING"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var found = await admin.ListMembersAsync(siteId, new MemberQuery(search, wanted, size, after), cancellationToken);
        var next = found.Count == size ? Cursor.Encode(found[^1].Id.ToString()) : null;
        return new Page<MemberView>([.. found.Select(MemberView.From)], next);
    }

    public async Task<Result<MemberView>> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        await members.FindAsync(siteId, memberId, cancellationToken) is { Status: not MemberStatus.Deleted } member
            ? MemberView.From(member)
            : LatchkeyErrors.MemberIdNotFound;

    public Task<Result<Member>> ApproveAsync(AdminActor actor, Site site, Guid memberId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, site, memberId, AuditActions.MemberApproved, () => status.ApproveAsync(site, memberId, cancellationToken), cancellationToken);

    public Task<Result<Member>> BlockAsync(AdminActor actor, Site site, Guid memberId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, site, memberId, AuditActions.MemberBlocked, () => status.BlockAsync(site, memberId, cancellationToken), cancellationToken);

    public async Task<Result<bool>> DeleteAsync(AdminActor actor, Guid siteId, Guid memberId, CancellationToken cancellationToken)
    {
        if (!await admin.DeleteMemberAsync(siteId, memberId, cancellationToken))
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        // The sessions went with the member, so its tokens are already refused; their rows (subject = member id) go too.
        var subject = memberId.ToString();
        await foreach (var token in tokens.FindBySubjectAsync(subject, cancellationToken))
        {
            await tokens.DeleteAsync(token, cancellationToken);
        }

        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
        {
            await authorizations.DeleteAsync(authorization, cancellationToken);
        }

        // No email in the details: the log outlives the member it names.
        await audit.RecordAsync(actor, siteId, AuditActions.MemberDeleted, "member", memberId.ToString(), null, cancellationToken);
        return true;
    }

    public async Task<Result<SessionView[]>> SessionsAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(siteId, memberId, cancellationToken) is null)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        var now = clock.GetUtcNow();
        return (await admin.ListSessionsAsync(siteId, memberId, cancellationToken))
            .Select(s => new SessionView(s.Id, s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.IsLive(now), s.CookieHash is not null)).ToArray();
    }

    /// <summary>Ends every live session of the member (their refresh tokens and member calls stop working); answers how many.</summary>
    public async Task<Result<int>> RevokeSessionsAsync(AdminActor actor, Guid siteId, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(siteId, memberId, cancellationToken) is null)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        var ended = await sessions.EndAllAsync(memberId, keep: null, cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.MemberSessionsRevoked, "member", memberId.ToString(), new { ended }, cancellationToken);
        return ended;
    }

    private async Task<Result<Member>> ChangeAsync(
        AdminActor actor, Site site, Guid memberId, string action, Func<Task<Result<Member>>> change, CancellationToken cancellationToken)
    {
        var result = await change();
        if (result.IsSuccess)
        {
            await audit.RecordAsync(actor, site.Id, action, "member", memberId.ToString(),
                new { status = StatusName(result.Value.Status) }, cancellationToken);
        }

        return result;
    }
}

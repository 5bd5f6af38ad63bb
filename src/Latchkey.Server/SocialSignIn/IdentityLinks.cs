using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;

namespace Latchkey.Server.SocialSignIn;

/// <summary>One of a member's linked identities, as the member and the site's admins see it.</summary>
public sealed record LinkedIdentityView(
    Guid Id, Guid ProviderId, string Provider, string ProviderName, string? Email, DateTimeOffset LinkedAt, DateTimeOffset? LastSignInAt);

/// <summary>
/// A member's identities at the site's providers (docs/flows/social-sign-in.md#linking): listed and unlinked by the
/// member with its own token, or by the site's admins. Unlinking never locks a member out: every member can still sign in
/// with an emailed code or reset its password. An unlinked upstream account is a stranger again, and links anew only
/// by the linking rule. Every unlink is audited: by the admin's key, or with actor <c>member</c> when the member did it.
/// </summary>
public sealed class IdentityLinks(
    ILinkedIdentityStore identities, IIdentityProviderStore providers, IMemberStore members, AdminAudit audit, IAuditLog log, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<LinkedIdentityView>>> ListAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(siteId, memberId, cancellationToken) is null or { Status: Core.Members.MemberStatus.Deleted })
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        var registrations = (await providers.ListAsync(siteId, cancellationToken)).ToDictionary(p => p.Id);
        return (await identities.ListAsync(siteId, memberId, cancellationToken))
            .Where(i => registrations.ContainsKey(i.ProviderId))
            .Select(i => new LinkedIdentityView(i.Id, i.ProviderId, IdentityProviderView.KindName(registrations[i.ProviderId].Kind),
                registrations[i.ProviderId].DisplayName, i.Email, i.LinkedAt, i.LastSignInAt))
            .ToList();
    }

    public async Task<Result<bool>> UnlinkAsync(Guid siteId, Guid memberId, Guid id, AdminActor? admin, CancellationToken cancellationToken)
    {
        if (!await identities.UnlinkAsync(siteId, memberId, id, cancellationToken))
        {
            return LatchkeyErrors.LinkedIdentityNotFound;
        }

        if (admin is not null)
        {
            await audit.RecordAsync(admin, siteId, AuditActions.MemberIdentityUnlinked, "member", memberId.ToString(), new { identity = id }, cancellationToken);
        }
        else
        {
            await log.AddAsync(new AuditEvent
            {
                SiteId = siteId,
                OccurredAt = clock.GetUtcNow(),
                Actor = AuditActors.Member,
                Action = AuditActions.MemberIdentityUnlinked,
                TargetType = "member",
                TargetId = memberId.ToString(),
                Details = System.Text.Json.JsonSerializer.Serialize(new { identity = id }),
            }, cancellationToken);
        }

        return true;
    }
}

using Latchkey.Core.Audit;
using Latchkey.Core.Members;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.SocialSignIn;

/// <summary>
/// Links a <see cref="PendingLink"/> once the person has signed in, in the browser that holds it, and confirmed it
/// (docs/flows/social-sign-in.md#linking): to the member that signed in, when that member has the identity's email and
/// the email is verified. Signing in proves the member; the verified email ties it to the identity, so a provider
/// account that merely claims an address never joins an account whose owner has not proven that address here (the
/// squatted, unverified account that pre-hijacking needs). Anything else leaves everything as it was.
/// </summary>
public sealed class LinkAfterSignIn(IIdentityProviderStore providers, ILinkedIdentityStore identities, IAuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Whether <paramref name="pending"/> waits for this member: same site, the identity's email, verified. The hosted
    /// pages ask the member to confirm only then; any other sign-in ends the wait.
    /// </summary>
    public static bool IsFor(PendingLink pending, Member member) =>
        pending.SiteId == member.SiteId && member.EmailVerified && member.Status == MemberStatus.Active &&
        string.Equals(member.NormalizedEmail, EmailAddress.Normalize(pending.Email), StringComparison.Ordinal);

    public async Task<bool> HandleAsync(PendingLink pending, Member member, CancellationToken cancellationToken)
    {
        if (!IsFor(pending, member) ||
            await providers.FindAsync(pending.SiteId, pending.ProviderId, cancellationToken) is not { Enabled: true } provider ||
            await identities.FindAsync(provider.Id, pending.Subject, cancellationToken) is not null)
        {
            return false;
        }

        var link = SignInWithProvider.Link(provider, pending.Subject, pending.Email, member.Id, clock.GetUtcNow());
        if (!await identities.LinkAsync(link, cancellationToken))
        {
            // Linked by another sign-in in between: the unique key decided.
            return false;
        }

        await SignInWithProvider.AuditLinkAsync(audit, link, AuditActors.Member, created: false, cancellationToken);
        return true;
    }
}

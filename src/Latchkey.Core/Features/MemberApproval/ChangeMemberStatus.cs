using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.MemberApproval;

/// <summary>
/// The Members API's approve and block (docs/wire/sign-on-policy.md#approve-and-block). Approving clears the
/// owner-approval wait and also unblocks; blocking ends every session of the member at once, so its refresh tokens and
/// member calls stop working now.
/// </summary>
public sealed class ChangeMemberStatus(IMemberStore members, SessionService sessions, TimeProvider clock)
{
    public async Task<Result<Member>> ApproveAsync(Site site, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(site.Id, memberId, cancellationToken) is not { Status: not MemberStatus.Deleted } member)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        member.PendingReasons &= ~PendingReasons.AdminApprovalRequired;
        member.Status = member.PendingReasons == PendingReasons.None ? MemberStatus.Active : MemberStatus.Pending;
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        return member;
    }

    public async Task<Result<Member>> BlockAsync(Site site, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(site.Id, memberId, cancellationToken) is not { Status: not MemberStatus.Deleted } member)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        member.Status = MemberStatus.Blocked;
        // Links, unused session tokens and open flows issued before the block stay dead after an approval (issue #21).
        member.SecurityStamp = Tokens.SecretGenerator.NewToken(16);
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        await sessions.EndAllAsync(member.Id, keep: null, cancellationToken);
        return member;
    }
}

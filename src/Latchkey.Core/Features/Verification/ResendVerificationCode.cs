using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Verification;

/// <summary>
/// Resend (Latchkey's <c>/v1/auth/resend</c>, docs/wire/state-machine.md#flows-and-states-in-latchkey): a new code for
/// the same flow and state token, at most five times and 30 seconds apart; the earlier code stops working.
/// </summary>
public sealed class ResendVerificationCode(
    IFlowStore flows, IMemberStore members, VerificationCodes codes, EmailCodeAllowance allowance, AbuseGuard guard, TokenHasher hasher,
    TimeProvider clock)
{
    /// <summary>The guard first (docs/abuse-protection.md#the-guard), whichever surface asks for the new code.</summary>
    public async Task<Result<bool>> HandleAsync(GuardedRequest request, string? stateToken, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        return pass.IsFailure ? pass.Error : await ResendAsync(request.Site.Id, stateToken, cancellationToken);
    }

    private async Task<Result<bool>> ResendAsync(Guid siteId, string? stateToken, CancellationToken cancellationToken)
    {
        var found = await FlowSteps.FindAsync(flows, hasher, siteId, stateToken, FlowState.RequireEmailVerification, clock, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var flow = found.Value;
        if (flow.Resends >= Flow.MaxResends)
        {
            return LatchkeyErrors.ResendLimitReached;
        }

        var wait = flow.CodeSentAt + Flow.ResendCooldown - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            return LatchkeyErrors.ResendTooSoon with { RetryAfterSeconds = (int)Math.Ceiling(wait.Value.TotalSeconds) };
        }

        if (await members.FindAsync(siteId, flow.MemberId, cancellationToken) is not { } member || !flow.IsCurrentFor(member))
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        var presented = flow.StateTokenHash;
        flow.Resends++;
        if (flow.Kind == FlowKind.DecoyRegistration)
        {
            // Answer as a real resend would, and send nothing: the decoy has no code and the owner was told once. The
            // address's allowance is drawn on all the same, so running out of it tells nothing either.
            if (await allowance.TakeAsync(member.SiteId, member.NormalizedEmail, cancellationToken) is { } spent)
            {
                return spent;
            }

            flow.CodeSentAt = clock.GetUtcNow();
        }
        else if (await codes.IssueAsync(flow, member, cancellationToken) is { } spent)
        {
            return spent;
        }

        return await flows.TryUpdateAsync(flow, presented, cancellationToken) ? true : LatchkeyErrors.StateTokenInvalid;
    }
}

using Latchkey.Core.Errors;
using Latchkey.Core.Features.Verification;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features;

/// <summary>
/// Turns a member who has proven who they are into an outcome: a session token when nothing stands in the way,
/// otherwise a flow continued by a state token (docs/tokens.md#the-tokens,
/// docs/wire/state-machine.md#flows-and-states-in-latchkey).
/// </summary>
public sealed class OutcomeIssuer(
    ISessionTokenStore sessions, IFlowStore flows, IMfaStore mfa, TokenHasher hasher, VerificationCodes codes, TimeProvider clock)
{
    public async Task<Result<AuthOutcome>> ConcludeAsync(Site site, Member member, FlowKind kind, CancellationToken cancellationToken)
    {
        var pending = member.Status == MemberStatus.Pending ? member.PendingReasons : PendingReasons.None;
        if (pending.HasFlag(PendingReasons.EmailVerificationRequired) && site.RequireEmailVerification)
        {
            return await StartFlowAsync(member, kind, FlowState.RequireEmailVerification, StateType.RequireEmailVerification, cancellationToken);
        }

        if (pending.HasFlag(PendingReasons.AdminApprovalRequired))
        {
            return await StartFlowAsync(member, kind, FlowState.RequireOwnerApproval, StateType.RequireOwnerApproval, cancellationToken);
        }

        // The second factor comes last: only a member who could otherwise sign in is asked for it.
        if (member.MfaEnabled)
        {
            var outcome = await StartFlowAsync(member, kind, FlowState.RequireMfa, StateType.RequireMfa, cancellationToken);
            return outcome.IsSuccess ? outcome.Value with { AvailableFactors = await AvailableFactorsAsync(member, cancellationToken) } : outcome;
        }

        return new AuthOutcome(StateType.Success, member, SessionToken: await IssueSessionTokenAsync(member, cancellationToken));
    }

    public async Task<string> IssueSessionTokenAsync(Member member, CancellationToken cancellationToken)
    {
        var token = SecretGenerator.NewToken();
        var now = clock.GetUtcNow();
        await sessions.AddAsync(new SessionToken
        {
            Id = Guid.CreateVersion7(),
            SiteId = member.SiteId,
            MemberId = member.Id,
            MemberStamp = member.SecurityStamp,
            TokenHash = hasher.Hash(token),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + SessionToken.Lifetime,
        }, cancellationToken);
        return token;
    }

    private async Task<Result<AuthOutcome>> StartFlowAsync(
        Member member, FlowKind kind, FlowState flowState, StateType state, CancellationToken cancellationToken)
    {
        var token = SecretGenerator.NewToken();
        var now = clock.GetUtcNow();
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = member.SiteId,
            MemberId = member.Id,
            MemberStamp = member.SecurityStamp,
            Kind = kind,
            State = FlowState.Started,
            StateTokenHash = hasher.Hash(token),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + Flow.Lifetime,
        };
        flow.MoveTo(flowState);
        if (flowState == FlowState.RequireEmailVerification)
        {
            // The code is queued with the flow; the outbox sends it after the request, never inside it.
            if (await codes.IssueAsync(flow, member, cancellationToken) is { } spent)
            {
                return spent;
            }
        }

        await flows.AddAsync(flow, cancellationToken);
        return new AuthOutcome(state, member, StateToken: token);
    }

    /// <summary>Moves a flow to its next step with a new state token (one token per step), or concludes it.</summary>
    public async Task<AuthOutcome?> ContinueAsync(Flow flow, byte[] presentedHash, Member member, CancellationToken cancellationToken)
    {
        if (member.PendingReasons.HasFlag(PendingReasons.AdminApprovalRequired))
        {
            var token = SecretGenerator.NewToken();
            flow.MoveTo(FlowState.RequireOwnerApproval);
            flow.StateTokenHash = hasher.Hash(token);
            flow.KeyVersion = hasher.CurrentVersion;
            flow.CodeHash = null;
            return await flows.TryUpdateAsync(flow, presentedHash, cancellationToken)
                ? new AuthOutcome(StateType.RequireOwnerApproval, member, StateToken: token)
                : null;
        }

        if (member.MfaEnabled && flow.State != FlowState.RequireMfa)
        {
            var token = SecretGenerator.NewToken();
            flow.MoveTo(FlowState.RequireMfa);
            flow.StateTokenHash = hasher.Hash(token);
            flow.KeyVersion = hasher.CurrentVersion;
            flow.CodeHash = null;
            flow.Attempts = 0;
            return await flows.TryUpdateAsync(flow, presentedHash, cancellationToken)
                ? new AuthOutcome(StateType.RequireMfa, member, StateToken: token) { AvailableFactors = await AvailableFactorsAsync(member, cancellationToken) }
                : null;
        }

        FlowSteps.Conclude(flow, FlowState.Succeeded, hasher);
        return await flows.TryUpdateAsync(flow, presentedHash, cancellationToken)
            ? new AuthOutcome(StateType.Success, member, SessionToken: await IssueSessionTokenAsync(member, cancellationToken))
            : null;
    }

    /// <summary>TOTP always; recovery codes while unused ones remain.</summary>
    private async Task<IReadOnlyList<MfaFactor>> AvailableFactorsAsync(Member member, CancellationToken cancellationToken) =>
        await mfa.CountUnusedRecoveryCodesAsync(member.Id, cancellationToken) > 0
            ? [MfaFactor.Totp, MfaFactor.RecoveryCode]
            : [MfaFactor.Totp];
}

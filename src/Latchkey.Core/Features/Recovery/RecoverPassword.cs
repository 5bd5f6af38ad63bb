using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Recovery;

public sealed record RecoverInput(string? RecoveryToken, string? Password);

/// <summary>The outcome of a recovery, and where the member goes next.</summary>
public sealed record RecoveryOutcome(AuthOutcome Outcome, string? ReturnTo);

/// <summary>
/// Recover (docs/wire/recovery.md#recover, docs/wire/state-machine.md#flows-and-states-in-latchkey): the link's token
/// and a new password set the password, end every earlier session of the member, and answer a StateMachineResponse
/// (normally SUCCESS: proving the mailbox also verifies the email).
/// </summary>
public sealed class RecoverPassword(
    IFlowStore flows, IMemberStore members, PasswordHasher passwords, PasswordRules rules, SessionService sessions, OutcomeIssuer outcomes,
    AbuseProtection.AbuseGuard guard, TokenHasher hasher, TimeProvider clock)
{
    public async Task<Result<RecoveryOutcome>> HandleAsync(Site site, RecoverInput input, CancellationToken cancellationToken)
    {
        var violations = rules.Check(site, input.Password);
        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var found = await FlowSteps.FindAsync(flows, hasher, site.Id, input.RecoveryToken, FlowState.RequireNewPassword, clock, cancellationToken);
        if (!found.IsSuccess || found.Value.Kind != FlowKind.Recovery)
        {
            return found.Error?.Is(LatchkeyErrors.ValidationFailed) == true ? found.Error : LatchkeyErrors.RecoveryTokenInvalid;
        }

        var flow = found.Value;
        // A link issued before the last password change, recovery or block no longer works (issue #21).
        if (await members.FindAsync(site.Id, flow.MemberId, cancellationToken) is not { Status: not MemberStatus.Deleted } member ||
            !flow.IsCurrentFor(member))
        {
            return LatchkeyErrors.RecoveryTokenInvalid;
        }

        var hash = await passwords.HashAsync(input.Password!, site.HashParameters, cancellationToken);
        if (!hash.IsSuccess)
        {
            return hash.Error;
        }

        // Single use: the flow moves on conditionally before anything else changes.
        var presented = flow.StateTokenHash;
        FlowSteps.Conclude(flow, FlowState.Succeeded, hasher);
        if (!await flows.TryUpdateAsync(flow, presented, cancellationToken))
        {
            return LatchkeyErrors.RecoveryTokenInvalid;
        }

        member.PasswordHash = hash.Value;
        member.PasswordResetRequired = false;
        member.EmailVerified = true;
        member.PendingReasons &= ~PendingReasons.EmailVerificationRequired;
        if (member.Status == MemberStatus.Pending && member.PendingReasons == PendingReasons.None)
        {
            member.Status = MemberStatus.Active;
        }

        member.SecurityStamp = SecretGenerator.NewToken(16);
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        await sessions.EndAllAsync(member.Id, keep: null, cancellationToken);

        if (member.Status == MemberStatus.Blocked)
        {
            return LatchkeyErrors.MemberBlocked;
        }

        // Whoever just proved the mailbox and set the password is the owner: the account's failed logins are forgotten,
        // so an attacker's guesses do not keep asking the owner for a challenge (issue #21).
        await guard.ClearAccountAsync(site, member.NormalizedEmail, cancellationToken);
        var outcome = await outcomes.ConcludeAsync(site, member, FlowKind.Login, cancellationToken);
        return outcome.IsSuccess ? new RecoveryOutcome(outcome.Value, flow.ReturnTo) : outcome.Error;
    }
}

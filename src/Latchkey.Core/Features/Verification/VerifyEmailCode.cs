using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Verification;

public sealed record VerifyEmailInput(string? StateToken, string? Code);

/// <summary>
/// Verify During Authentication (docs/wire/verification.md#verify-during-authentication): the emailed code continues a
/// REQUIRE_EMAIL_VERIFICATION flow to SUCCESS, or to REQUIRE_OWNER_APPROVAL when the site also wants approval. Five
/// wrong codes end the flow; wrong codes also count against the member across flows (<see cref="CodeGuessLimit"/>), a
/// decoy's against the email's owner.
/// </summary>
public sealed class VerifyEmailCode(
    IFlowStore flows, IMemberStore members, VerificationCodes codes, OutcomeIssuer outcomes, CodeGuessLimit guesses, AbuseGuard guard,
    TokenHasher hasher, TimeProvider clock)
{
    /// <summary>
    /// The guard first (its per-address and per-site rates, docs/abuse-protection.md#the-guard), whichever surface (API,
    /// hosted page) takes the code.
    /// </summary>
    public async Task<Result<AuthOutcome>> HandleAsync(GuardedRequest request, VerifyEmailInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        return pass.IsFailure ? pass.Error : await VerifyAsync(request.Site.Id, input, cancellationToken);
    }

    private async Task<Result<AuthOutcome>> VerifyAsync(Guid siteId, VerifyEmailInput input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input.Code) || input.Code.Length != 6 || !input.Code.All(char.IsAsciiDigit))
        {
            return LatchkeyErrors.Validation(new FieldViolation("code", "code is the 6-digit code from the email.", "FORMAT", "STRING"));
        }

        var flow = await FlowSteps.FindAsync(flows, hasher, siteId, input.StateToken, FlowState.RequireEmailVerification, clock, cancellationToken);
        if (!flow.IsSuccess)
        {
            return flow.Error;
        }

        var current = flow.Value;
        if (current.Kind == FlowKind.Verification)
        {
            // A Start verification never signs anyone in; it completes at /v1/verify.
            return LatchkeyErrors.StateTokenInvalid;
        }

        var presented = current.StateTokenHash;
        if (await members.FindAsync(siteId, current.MemberId, cancellationToken) is not { } member || !current.IsCurrentFor(member))
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        if (await guesses.PausedAsync(member, GuessedCode.EmailCode, cancellationToken) is { } paused)
        {
            return paused;
        }

        if (await FlowSteps.TakeAttemptAsync(flows, current, cancellationToken) is { } spent)
        {
            return spent;
        }

        var guess = await guesses.TakeAsync(member, GuessedCode.EmailCode, cancellationToken);
        if (!guess.IsSuccess)
        {
            return guess.Error;
        }

        if (!codes.Matches(current, input.Code))
        {
            await guesses.WrongAsync(member, GuessedCode.EmailCode, guess.Value, cancellationToken);
            return await FlowSteps.MissAsync(flows, current, LatchkeyErrors.VerificationCodeInvalid, cancellationToken);
        }

        await guesses.RightAsync(member, GuessedCode.EmailCode, cancellationToken);

        member.MarkEmailVerified();
        member.Touch(clock.GetUtcNow());
        // The flow moves first (conditionally): of two concurrent verifications, only one continues.
        var outcome = await outcomes.ContinueAsync(current, presented, member, cancellationToken);
        if (outcome is null)
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        await members.UpdateAsync(member, cancellationToken);
        return outcome;
    }
}

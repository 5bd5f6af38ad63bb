using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.EmailVerification;

public sealed record VerifyEmailInput(string? StateToken, string? Code);

/// <summary>
/// Verify During Authentication (contract §4.1): the emailed code continues a REQUIRE_EMAIL_VERIFICATION flow to
/// SUCCESS, or to REQUIRE_OWNER_APPROVAL when the site also wants approval. Five wrong codes end the flow; wrong codes
/// also count against the member across flows (<see cref="CodeGuessLimit"/>), a decoy's against the email's owner.
/// </summary>
public sealed class VerifyEmailCode(
    IFlowStore flows, IMemberStore members, VerificationCodes codes, OutcomeIssuer outcomes, CodeGuessLimit guesses, TokenHasher hasher,
    TimeProvider clock)
{
    public async Task<Result<AuthOutcome>> HandleAsync(Guid siteId, VerifyEmailInput input, CancellationToken cancellationToken)
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

/// <summary>Loading a flow by its state token, shared by the steps that continue one.</summary>
public static class FlowSteps
{
    public static async Task<Result<Flow>> FindAsync(
        IFlowStore flows, TokenHasher hasher, Guid siteId, string? stateToken, FlowState expected, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stateToken) || stateToken.Length > 1000)
        {
            return LatchkeyErrors.Validation(new FieldViolation("stateToken", "stateToken is required.", "REQUIRED_FIELD", "STRING"));
        }

        var flow = await flows.FindByStateTokenAsync(hasher.Hash(stateToken), cancellationToken);
        if (flow is null || flow.SiteId != siteId)
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        if (flow.IsExpired(clock))
        {
            return LatchkeyErrors.FlowExpired;
        }

        return flow.State == expected ? flow : LatchkeyErrors.StateTokenInvalid;
    }

    /// <summary>
    /// Takes one code attempt before the code is looked at, in one conditional write: null when taken, otherwise
    /// <see cref="LatchkeyErrors.VerificationAttemptsExceeded"/>. Parallel guesses therefore cannot share an attempt.
    /// </summary>
    public static async Task<LatchkeyError?> TakeAttemptAsync(IFlowStore flows, Flow flow, CancellationToken cancellationToken)
    {
        if (!await flows.TryTakeAttemptAsync(flow.Id, flow.StateTokenHash, Flow.MaxCodeAttempts, cancellationToken))
        {
            return LatchkeyErrors.VerificationAttemptsExceeded;
        }

        flow.Attempts++;
        return null;
    }

    /// <summary>
    /// Ends a flow in <paramref name="final"/> and retires its state token: the digest becomes that of a token nobody
    /// holds. The conditional update that saves the end matches the presented digest, so it succeeds once; had the
    /// digest stayed, every concurrent request with the token would match it too, and each would go on (issue #7).
    /// </summary>
    public static void Conclude(Flow flow, FlowState final, TokenHasher hasher)
    {
        flow.MoveTo(final);
        flow.StateTokenHash = hasher.Hash(SecretGenerator.NewToken());
        flow.KeyVersion = hasher.CurrentVersion;
        flow.CodeHash = null;
    }

    /// <summary>
    /// After a wrong code: ends the flow when the database says its attempts are spent (a parallel request may have
    /// taken the last one while this copy counts fewer), and answers <paramref name="miss"/> or attempts exceeded.
    /// </summary>
    public static async Task<LatchkeyError> MissAsync(IFlowStore flows, Flow flow, LatchkeyError miss, CancellationToken cancellationToken)
    {
        await flows.EndExhaustedAsync(flow.Id, Flow.MaxCodeAttempts, cancellationToken);
        return flow.Attempts >= Flow.MaxCodeAttempts ? LatchkeyErrors.VerificationAttemptsExceeded : miss;
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Verification;

/// <summary>
/// Completes a Start verification (Latchkey's <c>/v1/verify {verificationId, code}</c>, the SDK's unexposed
/// <c>VerifyRequest</c>): the email is verified. Wrong codes count as at <c>/v1/auth/verify</c>: five end the flow, and
/// they count against the member with every other email code (<see cref="CodeGuessLimit"/>).
/// </summary>
public sealed class CompleteVerification(
    IFlowStore flows, IMemberStore members, VerificationCodes codes, CodeGuessLimit guesses, AbuseGuard guard, TokenHasher hasher, TimeProvider clock)
{
    /// <summary>The guard first (its per-address and per-site rates, docs/abuse-protection.md#the-guard).</summary>
    public async Task<Result<Member>> HandleAsync(GuardedRequest request, string? verificationId, string? code, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        return pass.IsFailure ? pass.Error : await CompleteAsync(request.Site.Id, verificationId, code, cancellationToken);
    }

    private async Task<Result<Member>> CompleteAsync(Guid siteId, string? verificationId, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code) || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return LatchkeyErrors.Validation(new FieldViolation("code", "code is the 6-digit code from the email.", "FORMAT", "STRING"));
        }

        var found = await FlowSteps.FindAsync(flows, hasher, siteId, verificationId, FlowState.RequireEmailVerification, clock, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error.Is(LatchkeyErrors.ValidationFailed)
                ? LatchkeyErrors.Validation(new FieldViolation("verificationId", "verificationId is the id Start answered.", "REQUIRED_FIELD", "STRING"))
                : found.Error;
        }

        var flow = found.Value;
        if (flow.Kind != FlowKind.Verification)
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        var presented = flow.StateTokenHash;
        if (await members.FindAsync(siteId, flow.MemberId, cancellationToken) is not { } member || !flow.IsCurrentFor(member))
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        if (await guesses.PausedAsync(member, GuessedCode.EmailCode, cancellationToken) is { } paused)
        {
            return paused;
        }

        if (await FlowSteps.TakeAttemptAsync(flows, flow, cancellationToken) is { } spent)
        {
            return spent;
        }

        var guess = await guesses.TakeAsync(member, GuessedCode.EmailCode, cancellationToken);
        if (!guess.IsSuccess)
        {
            return guess.Error;
        }

        if (!codes.Matches(flow, code))
        {
            await guesses.WrongAsync(member, GuessedCode.EmailCode, guess.Value, cancellationToken);
            return await FlowSteps.MissAsync(flows, flow, LatchkeyErrors.VerificationCodeInvalid, cancellationToken);
        }

        await guesses.RightAsync(member, GuessedCode.EmailCode, cancellationToken);
        FlowSteps.Conclude(flow, FlowState.Succeeded, hasher);
        if (!await flows.TryUpdateAsync(flow, presented, cancellationToken))
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        member.MarkEmailVerified();
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        return member;
    }
}

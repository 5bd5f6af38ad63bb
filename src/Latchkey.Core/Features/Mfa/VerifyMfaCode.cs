using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;
using Latchkey.Core.Observability;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Mfa;

/// <summary>The body of <c>/v2/verify</c> in domain terms: which factor, and its code.</summary>
public sealed record VerifyMfaInput(string? StateToken, string? FactorType, string? Code);

/// <summary>
/// The second step of a login for a member with MFA (beyond Wix; the request names come from the SDK's hidden
/// <c>/v2/verify</c> typings): a TOTP code or a recovery code continues a REQUIRE_MFA flow to SUCCESS. Wrong codes
/// count toward the flow's attempts as email codes do (the fifth ends the flow), and against the member across flows and
/// the member's own <c>/mfa/v1/*</c> endpoints (<see cref="CodeGuessLimit"/>): ten, then a pause.
/// </summary>
public sealed class VerifyMfaCode(
    IFlowStore flows, IMemberStore members, IMfaStore mfa, MfaFactors factors, OutcomeIssuer outcomes, CodeGuessLimit guesses, AbuseGuard guard,
    TokenHasher hasher, TimeProvider clock)
{
    /// <summary>
    /// Second-factor codes are throttled per address and site like email codes (docs/abuse-protection.md#the-guard;
    /// each flow also allows 5 tries), whichever surface (API, hosted page) takes them.
    /// </summary>
    public async Task<Result<AuthOutcome>> HandleAsync(GuardedRequest request, VerifyMfaInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        using var activity = LatchkeyMetrics.StartStep("mfa_verify");
        var result = await VerifyAsync(request.Site.Id, input, cancellationToken);
        LatchkeyMetrics.RecordMfaVerification(activity.Tag(OutcomeTags.Of(result)));
        return result;
    }

    private async Task<Result<AuthOutcome>> VerifyAsync(Guid siteId, VerifyMfaInput input, CancellationToken cancellationToken)
    {
        var parsed = MfaInput.Parse(input.FactorType, input.Code);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        var found = await FlowSteps.FindAsync(flows, hasher, siteId, input.StateToken, FlowState.RequireMfa, clock, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var flow = found.Value;
        var presented = flow.StateTokenHash;
        if (await members.FindAsync(siteId, flow.MemberId, cancellationToken) is not { } member || !flow.IsCurrentFor(member) ||
            await mfa.FindAsync(member.Id, cancellationToken) is not { IsActive: true } enrolment)
        {
            // MFA was turned off (or the member deleted) since the password step: start again.
            return LatchkeyErrors.StateTokenInvalid;
        }

        // The attempt is counted before the code is looked at: parallel guesses cannot share one attempt.
        if (await guesses.PausedAsync(member, GuessedCode.SecondFactor, cancellationToken) is { } paused)
        {
            return paused;
        }

        if (await FlowSteps.TakeAttemptAsync(flows, flow, cancellationToken) is { } spent)
        {
            return spent;
        }

        var guess = await guesses.TakeAsync(member, GuessedCode.SecondFactor, cancellationToken);
        if (!guess.IsSuccess)
        {
            return guess.Error;
        }

        var (factor, code) = parsed.Value;
        var check = await factors.CheckAsync(enrolment, factor, code, cancellationToken);
        if (check != MfaCheck.Accepted)
        {
            await guesses.WrongAsync(member, GuessedCode.SecondFactor, guess.Value, cancellationToken);
            return await FlowSteps.MissAsync(
                flows, flow, check == MfaCheck.Reused ? LatchkeyErrors.TotpCodeReused : LatchkeyErrors.MfaCodeInvalid, cancellationToken);
        }

        await guesses.RightAsync(member, GuessedCode.SecondFactor, cancellationToken);
        if (member.Status == MemberStatus.Blocked)
        {
            return LatchkeyErrors.MemberBlocked;
        }

        return await outcomes.ContinueAsync(flow, presented, member, cancellationToken) is { } outcome
            ? outcome
            : LatchkeyErrors.StateTokenInvalid;
    }
}

/// <summary>Shape checks shared by the login step and the member's own MFA endpoints.</summary>
public static class MfaInput
{
    public static Result<(MfaFactor Factor, string Code)> Parse(string? factorType, string? code)
    {
        var factor = factorType switch
        {
            "TOTP" => MfaFactor.Totp,
            "RECOVERY_CODE" => MfaFactor.RecoveryCode,
            _ => (MfaFactor?)null,
        };
        if (factor is null)
        {
            return LatchkeyErrors.Validation(new FieldViolation("factorType", "factorType is TOTP or RECOVERY_CODE.", "ENUM", "STRING"));
        }

        if (factor == MfaFactor.Totp && (code is not { Length: Totp.Digits } || !code.All(char.IsAsciiDigit)))
        {
            return LatchkeyErrors.Validation(new FieldViolation("totpData.code", "The TOTP code is the 6 digits the authenticator app shows.", "FORMAT", "STRING"));
        }

        if (factor == MfaFactor.RecoveryCode && (string.IsNullOrWhiteSpace(code) || code.Length > 64))
        {
            return LatchkeyErrors.Validation(new FieldViolation("recoveryCodeData.code", "recoveryCodeData.code is one of the member's recovery codes.", "FORMAT", "STRING"));
        }

        return (factor.Value, code!);
    }
}

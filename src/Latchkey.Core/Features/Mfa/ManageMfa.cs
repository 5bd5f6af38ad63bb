using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Mfa;

/// <summary>A started enrolment: the secret to type in, or the URI to show as a QR code.</summary>
public sealed record TotpEnrolmentStarted(string Secret, string OtpAuthUri, DateTimeOffset ExpiresAt);

/// <summary>What the member's MFA looks like now.</summary>
public sealed record MfaStatus(bool Enabled, bool EnrolmentPending, int RecoveryCodesRemaining);

/// <summary>A code the member presents on their own MFA endpoints: TOTP, or one of their recovery codes.</summary>
public sealed record MfaProof(string? Code, string? RecoveryCode)
{
    public Result<(MfaFactor Factor, string Code)> Parse() => (Code, RecoveryCode) switch
    {
        ({ } code, null) => MfaInput.Parse("TOTP", code),
        (null, { } recovery) => MfaInput.Parse("RECOVERY_CODE", recovery),
        _ => LatchkeyErrors.Validation(new FieldViolation("code", "Send either code (TOTP) or recoveryCode.", "REQUIRED_FIELD", "STRING")),
    };
}

/// <summary>
/// The member's own MFA management (Latchkey's API, member access token): start and confirm a TOTP enrolment,
/// regenerate recovery codes, turn MFA off. Changing an active enrolment needs a current code; every code entered here
/// counts with the second-factor codes of the member's logins (<see cref="CodeGuessLimit"/>): ten wrong ones in all,
/// then a pause, so neither a stolen access token nor a known password can guess its way in (issue #21). The operations
/// that take a code also run the guard's per-address and per-site rates first (docs/abuse-protection.md#the-guard),
/// whichever surface (API, hosted page) the code came from.
/// </summary>
public sealed class ManageMfa(IMemberStore members, IMfaStore store, MfaFactors factors, CodeGuessLimit guesses, AbuseGuard guard, TimeProvider clock)
{
    public async Task<MfaStatus> StatusAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var enrolment = await store.FindAsync(memberId, cancellationToken);
        var pending = enrolment is { IsActive: false, PendingExpiresAt: { } expires } && expires > clock.GetUtcNow();
        return enrolment is { IsActive: true }
            ? new MfaStatus(true, false, await store.CountUnusedRecoveryCodesAsync(memberId, cancellationToken))
            : new MfaStatus(false, pending, 0);
    }

    /// <summary>Starts an enrolment with a new secret, replacing a pending one (a POST: the member asked for it).</summary>
    public async Task<Result<TotpEnrolmentStarted>> StartAsync(Site site, Guid memberId, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(site.Id, memberId, cancellationToken) is not { } member)
        {
            return LatchkeyErrors.MemberTokenRequired;
        }

        var enrolment = await store.FindAsync(memberId, cancellationToken);
        if (enrolment is { IsActive: true })
        {
            return LatchkeyErrors.MfaAlreadyEnabled;
        }

        var now = clock.GetUtcNow();
        var secret = MfaFactors.NewSecret();
        enrolment ??= new MfaEnrolment { MemberId = memberId, SiteId = site.Id, CreatedAt = now };
        enrolment.PendingSecret = factors.Seal(secret);
        enrolment.PendingExpiresAt = now + MfaEnrolment.PendingLifetime;
        await store.SaveAsync(enrolment, cancellationToken);
        return new TotpEnrolmentStarted(Base32.Encode(secret), Totp.OtpAuthUri(site.Name, member.Email, secret), enrolment.PendingExpiresAt.Value);
    }

    /// <summary>The enrolment waiting for its first code, as it was started; null when none is (a read: nothing is written).</summary>
    public async Task<TotpEnrolmentStarted?> PendingAsync(Site site, Guid memberId, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(memberId, cancellationToken) is not { IsActive: false, PendingSecret: { } pending, PendingExpiresAt: { } expires } ||
            expires <= clock.GetUtcNow() || await members.FindAsync(site.Id, memberId, cancellationToken) is not { } member)
        {
            return null;
        }

        var secret = factors.Open(pending);
        return new TotpEnrolmentStarted(Base32.Encode(secret), Totp.OtpAuthUri(site.Name, member.Email, secret), expires);
    }

    /// <summary>The first right code activates the enrolment and returns the recovery codes, once.</summary>
    public async Task<Result<string[]>> ConfirmAsync(GuardedRequest request, Guid memberId, string? code, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        var parsed = MfaInput.Parse("TOTP", code);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        var now = clock.GetUtcNow();
        var enrolment = await store.FindAsync(memberId, cancellationToken);
        if (enrolment is { IsActive: true })
        {
            return LatchkeyErrors.MfaAlreadyEnabled;
        }

        if (enrolment is not { PendingSecret: { } pending } || enrolment.PendingExpiresAt <= now)
        {
            return LatchkeyErrors.MfaEnrolmentNotStarted;
        }

        if (await members.FindAsync(request.Site.Id, memberId, cancellationToken) is not { } member)
        {
            return LatchkeyErrors.MemberTokenRequired;
        }

        var guess = await guesses.TakeAsync(member, GuessedCode.SecondFactor, cancellationToken);
        if (!guess.IsSuccess)
        {
            return guess.Error;
        }

        if (Totp.Match(factors.Open(pending), parsed.Value.Code, now) is not { } step)
        {
            await guesses.WrongAsync(member, GuessedCode.SecondFactor, guess.Value, cancellationToken);
            return LatchkeyErrors.MfaCodeInvalid;
        }

        await guesses.RightAsync(member, GuessedCode.SecondFactor, cancellationToken);
        enrolment.Secret = pending;
        enrolment.PendingSecret = null;
        enrolment.PendingExpiresAt = null;
        enrolment.LastUsedStep = step;
        enrolment.ActivatedAt = now;
        await store.SaveAsync(enrolment, cancellationToken);
        var codes = await factors.IssueRecoveryCodesAsync(memberId, cancellationToken);
        member.MfaEnabled = true;
        member.Touch(now);
        await members.UpdateAsync(member, cancellationToken);
        return codes;
    }

    public async Task<Result<string[]>> RegenerateRecoveryCodesAsync(GuardedRequest request, Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var proven = await ProveAsync(request, memberId, proof, cancellationToken);
        return proven.IsSuccess
            ? await factors.IssueRecoveryCodesAsync(memberId, cancellationToken)
            : proven.Error;
    }

    public async Task<Result<bool>> DisableAsync(GuardedRequest request, Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var proven = await ProveAsync(request, memberId, proof, cancellationToken);
        if (!proven.IsSuccess)
        {
            return proven.Error;
        }

        // The member's flag goes first: should the delete then fail, the member can still log in and disable again,
        // whereas a flag left on without a secret would lock them out.
        var member = proven.Value;
        member.MfaEnabled = false;
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        await store.DeleteAsync(memberId, cancellationToken);
        return true;
    }

    /// <summary>The guard, then an active enrolment and a right, unused code for it; answers the member.</summary>
    private async Task<Result<Member>> ProveAsync(GuardedRequest request, Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        var parsed = proof.Parse();
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        if (await store.FindAsync(memberId, cancellationToken) is not { IsActive: true } enrolment)
        {
            return LatchkeyErrors.MfaNotEnabled;
        }

        if (await members.FindAsync(request.Site.Id, memberId, cancellationToken) is not { } member)
        {
            return LatchkeyErrors.MemberTokenRequired;
        }

        // Taken before the code is looked at, in one conditional write: parallel guesses cannot share a count.
        var guess = await guesses.TakeAsync(member, GuessedCode.SecondFactor, cancellationToken);
        if (!guess.IsSuccess)
        {
            return guess.Error;
        }

        var check = await factors.CheckAsync(enrolment, parsed.Value.Factor, parsed.Value.Code, cancellationToken);
        if (check != MfaCheck.Accepted)
        {
            await guesses.WrongAsync(member, GuessedCode.SecondFactor, guess.Value, cancellationToken);
            return check == MfaCheck.Reused ? LatchkeyErrors.TotpCodeReused : LatchkeyErrors.MfaCodeInvalid;
        }

        await guesses.RightAsync(member, GuessedCode.SecondFactor, cancellationToken);
        return member;
    }
}

using Latchkey.Core.Errors;
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
/// regenerate recovery codes, turn MFA off. Changing an active enrolment needs a current code; wrong codes here
/// pause these endpoints for the member after five in a row, so a stolen access token cannot guess its way in.
/// </summary>
public sealed class ManageMfa(IMemberStore members, IMfaStore store, MfaFactors factors, TimeProvider clock)
{
    public async Task<MfaStatus> StatusAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var enrolment = await store.FindAsync(memberId, cancellationToken);
        var pending = enrolment is { IsActive: false, PendingExpiresAt: { } expires } && expires > clock.GetUtcNow();
        return enrolment is { IsActive: true }
            ? new MfaStatus(true, false, await store.CountUnusedRecoveryCodesAsync(memberId, cancellationToken))
            : new MfaStatus(false, pending, 0);
    }

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

    /// <summary>The first right code activates the enrolment and returns the recovery codes, once.</summary>
    public async Task<Result<string[]>> ConfirmAsync(Site site, Guid memberId, string? code, CancellationToken cancellationToken)
    {
        var parsed = MfaInput.Parse("TOTP", code);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
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

        if (Paused(enrolment, now) is { } paused)
        {
            return paused;
        }

        if (Totp.Match(factors.Open(pending), parsed.Value.Code, now) is not { } step)
        {
            return await FailAsync(enrolment, now, MfaCheck.Wrong, cancellationToken);
        }

        if (await members.FindAsync(site.Id, memberId, cancellationToken) is not { } member)
        {
            return LatchkeyErrors.MemberTokenRequired;
        }

        enrolment.Secret = pending;
        enrolment.PendingSecret = null;
        enrolment.PendingExpiresAt = null;
        enrolment.LastUsedStep = step;
        enrolment.FailedAttempts = 0;
        enrolment.ActivatedAt = now;
        await store.SaveAsync(enrolment, cancellationToken);
        var codes = await factors.IssueRecoveryCodesAsync(memberId, cancellationToken);
        member.MfaEnabled = true;
        member.Touch(now);
        await members.UpdateAsync(member, cancellationToken);
        return codes;
    }

    public async Task<Result<string[]>> RegenerateRecoveryCodesAsync(Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var proven = await ProveAsync(memberId, proof, cancellationToken);
        return proven.IsSuccess
            ? await factors.IssueRecoveryCodesAsync(memberId, cancellationToken)
            : proven.Error!;
    }

    public async Task<Result<bool>> DisableAsync(Site site, Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var proven = await ProveAsync(memberId, proof, cancellationToken);
        if (!proven.IsSuccess)
        {
            return proven.Error!;
        }

        // The member's flag goes first: should the delete then fail, the member can still log in and disable again,
        // whereas a flag left on without a secret would lock them out.
        if (await members.FindAsync(site.Id, memberId, cancellationToken) is { } member)
        {
            member.MfaEnabled = false;
            member.Touch(clock.GetUtcNow());
            await members.UpdateAsync(member, cancellationToken);
        }

        await store.DeleteAsync(memberId, cancellationToken);
        return true;
    }

    /// <summary>An active enrolment and a right, unused code for it.</summary>
    private async Task<Result<MfaEnrolment>> ProveAsync(Guid memberId, MfaProof proof, CancellationToken cancellationToken)
    {
        var parsed = proof.Parse();
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        var now = clock.GetUtcNow();
        if (await store.FindAsync(memberId, cancellationToken) is not { IsActive: true } enrolment)
        {
            return LatchkeyErrors.MfaNotEnabled;
        }

        if (Paused(enrolment, now) is { } paused)
        {
            return paused;
        }

        var check = await factors.CheckAsync(enrolment, parsed.Value.Factor, parsed.Value.Code, cancellationToken);
        if (check != MfaCheck.Accepted)
        {
            return await FailAsync(enrolment, now, check, cancellationToken);
        }

        enrolment.FailedAttempts = 0;
        await store.SaveAsync(enrolment, cancellationToken);
        return enrolment;
    }

    private static LatchkeyError? Paused(MfaEnrolment enrolment, DateTimeOffset now) =>
        enrolment.LockedUntil is { } until && until > now
            ? LatchkeyErrors.MfaAttemptsThrottled with { RetryAfterSeconds = (int)Math.Ceiling((until - now).TotalSeconds) }
            : null;

    private async Task<LatchkeyError> FailAsync(MfaEnrolment enrolment, DateTimeOffset now, MfaCheck check, CancellationToken cancellationToken)
    {
        enrolment.FailedAttempts++;
        if (enrolment.FailedAttempts >= MfaEnrolment.MaxFailedAttempts)
        {
            enrolment.FailedAttempts = 0;
            enrolment.LockedUntil = now + MfaEnrolment.LockDuration;
        }

        await store.SaveAsync(enrolment, cancellationToken);
        return check == MfaCheck.Reused ? LatchkeyErrors.TotpCodeReused : LatchkeyErrors.MfaCodeInvalid;
    }
}

using System.Security.Cryptography;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Mfa;
/// <summary>
/// Checks TOTP and recovery codes and makes new ones. Every successful check is also a use: a TOTP step is recorded
/// with a conditional update and a recovery code is consumed the same way, so neither works twice.
/// </summary>
public sealed class MfaFactors(IMfaStore store, MfaSecretSealer sealer, TokenHasher hasher, TimeProvider clock)
{
    // 32 symbols without 0/o/1/l: 10 of them are 50 random bits, easy to read off paper.
    private const string RecoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(Totp.SecretBytes);

    public byte[] Seal(byte[] secret) => sealer.Seal(secret);

    public byte[] Open(byte[] sealedSecret) => sealer.Open(sealedSecret);

    /// <summary>Checks a code against the member's active enrolment and uses it when right.</summary>
    public async Task<MfaCheck> CheckAsync(MfaEnrolment enrolment, MfaFactor factor, string code, CancellationToken cancellationToken)
    {
        if (factor == MfaFactor.RecoveryCode)
        {
            return await store.TryConsumeRecoveryCodeAsync(enrolment.MemberId, HashRecoveryCode(enrolment.MemberId, code), clock.GetUtcNow(), cancellationToken)
                ? MfaCheck.Accepted
                : MfaCheck.Wrong;
        }

        if (enrolment.Secret is null || Totp.Match(sealer.Open(enrolment.Secret), code, clock.GetUtcNow()) is not { } step)
        {
            return MfaCheck.Wrong;
        }

        if (!await store.TryUseStepAsync(enrolment.MemberId, step, cancellationToken))
        {
            return MfaCheck.Reused;
        }

        enrolment.LastUsedStep = step;
        return MfaCheck.Accepted;
    }

    /// <summary>Ten fresh recovery codes replace the member's earlier ones; only their digests are stored.</summary>
    public async Task<string[]> IssueRecoveryCodesAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var codes = Enumerable.Range(0, MfaRecoveryCode.Count)
            .Select(_ => RandomNumberGenerator.GetString(RecoveryAlphabet, 10))
            .Select(raw => $"{raw[..5]}-{raw[5..]}")
            .ToArray();
        await store.ReplaceRecoveryCodesAsync(memberId, [.. codes.Select(code => new MfaRecoveryCode
        {
            Id = Guid.CreateVersion7(),
            MemberId = memberId,
            CodeHash = HashRecoveryCode(memberId, code),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
        })], cancellationToken);
        return codes;
    }

    /// <summary>Case, spaces and dashes do not matter; the digest is bound to the member.</summary>
    private byte[] HashRecoveryCode(Guid memberId, string code)
    {
        var normalized = new string([.. code.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        return hasher.Hash($"mfa-recovery:{memberId:N}:{normalized}");
    }
}

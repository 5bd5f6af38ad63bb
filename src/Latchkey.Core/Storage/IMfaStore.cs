using Latchkey.Core.Mfa;

namespace Latchkey.Core.Storage;

/// <summary>Enrolments and recovery codes.</summary>
public interface IMfaStore
{
    Task<MfaEnrolment?> FindAsync(Guid memberId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the member's enrolment row.</summary>
    Task SaveAsync(MfaEnrolment enrolment, CancellationToken cancellationToken);

    /// <summary>Removes the enrolment and every recovery code of the member.</summary>
    Task DeleteAsync(Guid memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="step"/> as used if it is later than the last used one, in one conditional update:
    /// false when this step (or a later one) was already used, also under a race.
    /// </summary>
    Task<bool> TryUseStepAsync(Guid memberId, long step, CancellationToken cancellationToken);

    /// <summary>Replaces every recovery code of the member with these.</summary>
    Task ReplaceRecoveryCodesAsync(Guid memberId, IReadOnlyList<MfaRecoveryCode> codes, CancellationToken cancellationToken);

    /// <summary>Marks the unused code with this digest used; false when there is none (wrong, or already used).</summary>
    Task<bool> TryConsumeRecoveryCodeAsync(Guid memberId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> CountUnusedRecoveryCodesAsync(Guid memberId, CancellationToken cancellationToken);
}

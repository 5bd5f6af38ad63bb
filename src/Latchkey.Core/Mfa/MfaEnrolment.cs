namespace Latchkey.Core.Mfa;

/// <summary>
/// A member's second factor (beyond Wix): one TOTP secret, sealed at rest (AES-GCM under a key derived for MFA only),
/// and the last step used, so that a code works once. An enrolment that was started but not confirmed keeps its
/// secret in <see cref="PendingSecret"/> and protects nothing yet.
/// </summary>
public sealed class MfaEnrolment
{
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    public Guid MemberId { get; init; }
    public Guid SiteId { get; init; }

    /// <summary>The confirmed secret, sealed; null until the first code confirms the enrolment.</summary>
    public byte[]? Secret { get; set; }

    /// <summary>A secret waiting for its first code, sealed.</summary>
    public byte[]? PendingSecret { get; set; }

    public DateTimeOffset? PendingExpiresAt { get; set; }

    /// <summary>The highest TOTP step accepted so far; a code for this step or an earlier one is refused.</summary>
    public long LastUsedStep { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; set; }

    public bool IsActive => Secret is not null;
}

/// <summary>
/// One of a member's one-time recovery codes, kept only as an HMAC digest bound to the member. Consumed by one
/// conditional update, so a code works once even under a race.
/// </summary>
public sealed class MfaRecoveryCode
{
    public const int Count = 10;

    public Guid Id { get; init; }
    public Guid MemberId { get; init; }
    public required byte[] CodeHash { get; init; }
    public int KeyVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

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

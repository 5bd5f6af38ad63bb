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

namespace Latchkey.Core.Members;

/// <summary>A site member: one identity with an email login and, optionally, a password.</summary>
public sealed class Member
{
    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public bool EmailVerified { get; set; }
    public MemberStatus Status { get; set; }
    public PendingReasons PendingReasons { get; set; }

    /// <summary>PHC string (Argon2id for hashes Latchkey made); null for password-less members.</summary>
    /// <summary>The stored hash's column width (PHC strings are about 100 characters; imported ones are capped here).</summary>
    public const int MaxPasswordHashLength = 512;

    public string? PasswordHash { get; set; }

    public bool PasswordResetRequired { get; set; }

    /// <summary>A confirmed second factor: a correct password leads to REQUIRE_MFA, not SUCCESS.</summary>
    public bool MfaEnabled { get; set; }
    public IdentityProfile Profile { get; set; } = IdentityProfile.Empty;

    /// <summary>Incremented on every update (Wix <c>revision</c>).</summary>
    public long Revision { get; set; }

    /// <summary>Changes whenever credentials change; tokens minted under an older stamp stop working.</summary>
    public required string SecurityStamp { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The member proved the mailbox: verified, and active unless something else keeps them pending.</summary>
    public void MarkEmailVerified()
    {
        EmailVerified = true;
        PendingReasons &= ~PendingReasons.EmailVerificationRequired;
        if (Status == MemberStatus.Pending && PendingReasons == PendingReasons.None)
        {
            Status = MemberStatus.Active;
        }
    }

    public void Touch(DateTimeOffset now)
    {
        Revision++;
        UpdatedAt = now;
    }
}

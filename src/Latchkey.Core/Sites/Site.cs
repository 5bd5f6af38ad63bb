using Latchkey.Core.Passwords;

namespace Latchkey.Core.Sites;

/// <summary>
/// A site owns members, policies, clients and API keys; nothing crosses sites (docs/sites.md#one-server-many-sites).
/// Immutable: each node caches sites and hands one instance to every request, so a change is a new record
/// (<c>with</c>) saved whole.
/// </summary>
public sealed record Site
{
    public Guid Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Sign-on policy (docs/wire/sign-on-policy.md#sign-on-policy): new sign-ups wait for an admin.</summary>
    public bool RequireOwnerApproval { get; init; }

    /// <summary>
    /// Sign-on policy (docs/wire/sign-on-policy.md#sign-on-policy): unverified emails must verify with a code.
    /// </summary>
    public bool RequireEmailVerification { get; init; }

    /// <summary>Restores Wix's 404 <c>-19999</c> for unknown emails at login. Default false (401, no enumeration).</summary>
    public bool RevealUnknownEmail { get; init; }

    public int PasswordMinLength { get; init; } = PasswordPolicy.Default.MinLength;
    public int PasswordMaxLength { get; init; } = PasswordPolicy.Default.MaxLength;

    /// <summary>Refuse passwords found in the operator's offline breached-password list (when one is configured).</summary>
    public bool PasswordCheckBreached { get; init; } = true;

    /// <summary>The lowest zxcvbn score (0–4) a new password needs; 0 turns the estimate off (the default).</summary>
    public int PasswordMinStrength { get; init; }

    /// <summary>
    /// Register with a taken email answers as for a new one and emails the owner
    /// (docs/abuse-protection.md#enumeration). Needs email verification on.
    /// </summary>
    public bool EnumerationSafeRegistration { get; init; }
    public int HashIterations { get; init; } = HashParameters.Default.Iterations;
    public int HashMemoryKiB { get; init; } = HashParameters.Default.MemoryKiB;
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>CAPTCHA policy (docs/policies.md#captcha). Risk mode with ALTCHA by default (issue #21).</summary>
    public AbuseProtection.CaptchaPolicy Captcha { get; init; } = new();

    /// <summary>The hosted pages' name, logo, colour and language (issue #8).</summary>
    public SiteBranding Branding { get; init; } = new();

    /// <summary>
    /// A copy of one hash the last import brought in (bcrypt, PBKDF2, …), or null when the site never imported any.
    /// While it is set, every login that checks no imported hash checks a random password against this one, so that a
    /// member with an imported hash costs the same time as anyone else (issue #21).
    /// </summary>
    public string? ImportedDummyHash { get; init; }

    public PasswordPolicy PasswordPolicy => new(PasswordMinLength, PasswordMaxLength);

    public HashParameters HashParameters => new(HashIterations, HashMemoryKiB);
}

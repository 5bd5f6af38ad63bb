using Latchkey.Core.Passwords;

namespace Latchkey.Core.Sites;

/// <summary>
/// A site owns members, policies, clients and API keys; nothing crosses sites (docs/sites.md#one-server-many-sites).
/// </summary>
public sealed class Site
{
    public Guid Id { get; init; }
    public required string Name { get; set; }

    /// <summary>Sign-on policy (docs/wire/sign-on-policy.md#sign-on-policy): new sign-ups wait for an admin.</summary>
    public bool RequireOwnerApproval { get; set; }

    /// <summary>
    /// Sign-on policy (docs/wire/sign-on-policy.md#sign-on-policy): unverified emails must verify with a code.
    /// </summary>
    public bool RequireEmailVerification { get; set; }

    /// <summary>Restores Wix's 404 <c>-19999</c> for unknown emails at login. Default false (401, no enumeration).</summary>
    public bool RevealUnknownEmail { get; set; }

    public int PasswordMinLength { get; set; } = PasswordPolicy.Default.MinLength;
    public int PasswordMaxLength { get; set; } = PasswordPolicy.Default.MaxLength;

    /// <summary>Refuse passwords found in the operator's offline breached-password list (when one is configured).</summary>
    public bool PasswordCheckBreached { get; set; } = true;

    /// <summary>The lowest zxcvbn score (0–4) a new password needs; 0 turns the estimate off (the default).</summary>
    public int PasswordMinStrength { get; set; }

    /// <summary>
    /// Register with a taken email answers as for a new one and emails the owner
    /// (docs/abuse-protection.md#enumeration). Needs email verification on.
    /// </summary>
    public bool EnumerationSafeRegistration { get; set; }
    public int HashIterations { get; set; } = HashParameters.Default.Iterations;
    public int HashMemoryKiB { get; set; } = HashParameters.Default.MemoryKiB;
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>CAPTCHA policy (docs/policies.md#captcha). Risk mode with ALTCHA by default (issue #21).</summary>
    public AbuseProtection.CaptchaPolicy Captcha { get; set; } = new();

    /// <summary>The hosted pages' name, logo, colour and language (issue #8).</summary>
    public SiteBranding Branding { get; set; } = new();

    /// <summary>
    /// A copy of one hash the last import brought in (bcrypt, PBKDF2, …), or null when the site never imported any.
    /// While it is set, every login that checks no imported hash checks a random password against this one, so that a
    /// member with an imported hash costs the same time as anyone else (issue #21).
    /// </summary>
    public string? ImportedDummyHash { get; set; }

    public PasswordPolicy PasswordPolicy => new(PasswordMinLength, PasswordMaxLength);

    public HashParameters HashParameters => new(HashIterations, HashMemoryKiB);
}

namespace Latchkey.Core.AbuseProtection;

/// <summary>
/// The endpoints abuse protection watches (docs/abuse-protection.md#the-guard). Flags, so a site lists several at once.
/// </summary>
[Flags]
public enum GuardedAction
{
    None = 0,
    Register = 1,
    Login = 2,
    Recovery = 4,
    Verification = 8,
    SignOn = 16,

    /// <summary>The return from an identity provider (docs/flows/social-sign-in.md): rate-limited, never a CAPTCHA.</summary>
    SocialSignIn = 32,
}

namespace Latchkey.Core.AbuseProtection;

/// <summary>Who checks the token. ALTCHA is Latchkey's own proof of work: no third party, no secret to configure.</summary>
public enum CaptchaProvider
{
    Altcha = 0,
    Recaptcha = 1,
    RecaptchaEnterprise = 2,
    HCaptcha = 3,
    Turnstile = 4,
}

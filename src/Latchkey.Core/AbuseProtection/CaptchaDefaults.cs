namespace Latchkey.Core.AbuseProtection;

/// <summary>The public verify endpoints, used when a site configures none.</summary>
public static class CaptchaDefaults
{
    public static string VerifyUrl(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.Recaptcha => "https://www.google.com/recaptcha/api/siteverify",
        CaptchaProvider.HCaptcha => "https://api.hcaptcha.com/siteverify",
        CaptchaProvider.Turnstile => "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        // Enterprise needs the project in the URL: https://recaptchaenterprise.googleapis.com/v1/projects/{p}/assessments
        _ => "",
    };
}

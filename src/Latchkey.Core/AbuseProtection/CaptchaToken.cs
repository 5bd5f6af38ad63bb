namespace Latchkey.Core.AbuseProtection;

/// <summary>One token from the Wix <c>captchaTokens</c> array: its key (<c>Recaptcha</c>, <c>Altcha</c>, …) and value.</summary>
public sealed record CaptchaToken(string Key, string Value)
{
    /// <summary>
    /// Whether a token under this key is meant for the site's provider (keys compare case-insensitively). An ALTCHA
    /// solution names itself, and the Wix SDK can only send reCAPTCHA keys: with the built-in ALTCHA (the default,
    /// issue #21) a solution under the SDK's keys counts too, so SDK front ends can answer the default challenge.
    /// </summary>
    public bool IsFor(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.Recaptcha or CaptchaProvider.RecaptchaEnterprise => IsRecaptchaKey(),
        CaptchaProvider.HCaptcha => Is("HCaptcha"),
        CaptchaProvider.Turnstile => Is("Turnstile"),
        CaptchaProvider.Altcha => Is("Altcha") || IsRecaptchaKey(),
        _ => false,
    };

    private bool IsRecaptchaKey() => Is("Recaptcha") || Is("InvisibleRecaptcha") || Is("recaptchaForClientSiteKey") || Is("NoCaptcha");

    private bool Is(string key) => string.Equals(Key, key, StringComparison.OrdinalIgnoreCase);
}

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

public enum CaptchaVerdict
{
    Valid,
    Invalid,
    /// <summary>The provider could not be asked (timeout, network, 5xx): the site's fail-open setting decides.</summary>
    Unavailable,
}

/// <summary>
/// Checks one token with the site's provider for one guarded action: the provider must say it was solved, for this
/// action when it names one, on one of the site's hostnames when the site lists any, and recently (issue #21).
/// </summary>
public interface ICaptchaVerifier
{
    Task<CaptchaVerdict> VerifyAsync(Sites.Site site, string token, string? remoteIp, GuardedAction action, CancellationToken cancellationToken);
}

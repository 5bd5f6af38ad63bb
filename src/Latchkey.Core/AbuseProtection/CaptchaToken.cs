namespace Latchkey.Core.AbuseProtection;

/// <summary>One token from the Wix <c>captchaTokens</c> array: its key (<c>Recaptcha</c>, <c>Altcha</c>, …) and value.</summary>
public sealed record CaptchaToken(string Key, string Value)
{
    /// <summary>Whether a token under this key is meant for the site's provider (keys compare case-insensitively).</summary>
    public bool IsFor(CaptchaProvider provider) => provider switch
    {
        CaptchaProvider.Recaptcha or CaptchaProvider.RecaptchaEnterprise =>
            Is("Recaptcha") || Is("InvisibleRecaptcha") || Is("recaptchaForClientSiteKey") || Is("NoCaptcha"),
        CaptchaProvider.HCaptcha => Is("HCaptcha"),
        CaptchaProvider.Turnstile => Is("Turnstile"),
        CaptchaProvider.Altcha => Is("Altcha"),
        _ => false,
    };

    private bool Is(string key) => string.Equals(Key, key, StringComparison.OrdinalIgnoreCase);
}

public enum CaptchaVerdict
{
    Valid,
    Invalid,
    /// <summary>The provider could not be asked (timeout, network, 5xx): the site's fail-open setting decides.</summary>
    Unavailable,
}

/// <summary>Checks one token with the site's provider.</summary>
public interface ICaptchaVerifier
{
    Task<CaptchaVerdict> VerifyAsync(Sites.Site site, string token, string? remoteIp, CancellationToken cancellationToken);
}

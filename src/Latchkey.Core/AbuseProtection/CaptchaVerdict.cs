namespace Latchkey.Core.AbuseProtection;

public enum CaptchaVerdict
{
    Valid,
    Invalid,
    /// <summary>The provider could not be asked (timeout, network, 5xx): the site's fail-open setting decides.</summary>
    Unavailable,
}

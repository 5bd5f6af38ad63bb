namespace Latchkey.Core.AbuseProtection;
/// <summary>
/// A site's CAPTCHA policy (docs/policies.md#captcha). Defaults: risk mode with the built-in ALTCHA (issue #21:
/// failures lead to a challenge, never to a lockout), on register, login and recovery.
/// </summary>
public sealed record CaptchaPolicy
{
    public const GuardedAction DefaultActions = GuardedAction.Register | GuardedAction.Login | GuardedAction.Recovery;

    public CaptchaMode Mode { get; init; } = CaptchaMode.Risk;

    public CaptchaProvider Provider { get; init; }

    /// <summary>Where the CAPTCHA applies. Sign-on is excluded by default: a trusted backend is not a bot.</summary>
    public GuardedAction Actions { get; init; } = DefaultActions;

    /// <summary>The provider's verify endpoint; empty means the provider's public one (<see cref="CaptchaDefaults"/>).</summary>
    public string? VerifyUrl { get; init; }

    /// <summary>The public site key (hCaptcha and reCAPTCHA Enterprise send it along).</summary>
    public string? SiteKey { get; init; }

    /// <summary>The provider secret (reCAPTCHA Enterprise: the API key), sealed with the master key; never returned.</summary>
    public string? SealedSecret { get; init; }

    /// <summary>reCAPTCHA v3 and Enterprise: the lowest score that passes.</summary>
    public double MinScore { get; init; } = 0.5;

    /// <summary>ALTCHA: the largest number the client may have to try (the work is half of it on average).</summary>
    public int AltchaMaxNumber { get; init; } = 100_000;

    /// <summary>Risk mode: failures on an account, or from an IP, after which a CAPTCHA is required.</summary>
    public int RiskAfterFailures { get; init; } = 3;

    /// <summary>When the provider cannot be reached: false (default) refuses the request, true lets it through.</summary>
    public bool FailOpen { get; init; }

    /// <summary>
    /// Where tokens may have been solved: space-separated host names the provider's answer must name (its
    /// <c>hostname</c>). Empty (the default) does not check the host; the action and the age are always checked.
    /// </summary>
    public string? Hostnames { get; init; }

    /// <summary>The host names of <see cref="Hostnames"/>, lower-case.</summary>
    public IReadOnlyList<string> HostnameList =>
        Hostnames is { Length: > 0 } list ? [.. list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => h.ToLowerInvariant())] : [];

    /// <summary>
    /// Whether this action asks for a CAPTCHA. Never the return from an identity provider: nothing can show a widget
    /// there, and the provider's own sign-in is the check that a person is present.
    /// </summary>
    public bool Covers(GuardedAction action) => Mode != CaptchaMode.Off && action != GuardedAction.SocialSignIn && Actions.HasFlag(action);
}

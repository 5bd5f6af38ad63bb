namespace Latchkey.Core.AbuseProtection;

/// <summary>
/// Checks one token with the site's provider for one guarded action: the provider must say it was solved, for this
/// action when it names one, on one of the site's hostnames when the site lists any, and recently (issue #21).
/// </summary>
public interface ICaptchaVerifier
{
    Task<CaptchaVerdict> VerifyAsync(Sites.Site site, string token, string? remoteIp, GuardedAction action, CancellationToken cancellationToken);
}

namespace Latchkey.Core.Storage;

/// <summary>Single use of CAPTCHA solutions (ALTCHA challenges), shared by every node.</summary>
public interface ICaptchaReplayStore
{
    /// <summary>Records the solution's digest; false when it was already used.</summary>
    Task<bool> TryUseAsync(string digest, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.AbuseProtection;

/// <summary>
/// A per-member allowance that is enforced without telling the caller: beyond it the email is simply not sent,
/// and the answer stays the same, so neither the quota nor its use reveals whether the account exists. It keeps
/// many addresses from flooding one member's inbox with reset links or sign-up notices.
/// </summary>
public sealed class QuietQuota(IThrottleStore counters, TokenHasher hasher, TimeProvider clock)
{
    public const int EmailsPerHour = 3;

    public async Task<bool> TryTakeAsync(string purpose, Guid siteId, string normalizedEmail, CancellationToken cancellationToken)
    {
        var (start, end) = FixedWindow.Of(clock.GetUtcNow(), TimeSpan.FromHours(1));
        var key = FixedWindow.Key(hasher, $"quota|{purpose}|{siteId}|{normalizedEmail}");
        return await counters.HitAsync(key, start, end, cancellationToken) <= EmailsPerHour;
    }
}

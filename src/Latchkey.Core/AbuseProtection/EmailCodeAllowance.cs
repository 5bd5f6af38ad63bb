using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.AbuseProtection;

/// <summary>
/// Emailed codes per address (issue #21): the first code and four more in each clock hour (a fixed window, as every
/// throttle counter), whichever flow sends them, then a clear 429 with <c>Retry-After</c>. Decoy registrations draw on the same allowance, so it tells nothing about accounts.
/// </summary>
public sealed class EmailCodeAllowance(IThrottleStore counters, TokenHasher hasher, TimeProvider clock)
{
    public const int CodesPerHour = 5;

    /// <summary>Takes one code for the address; the error when the hour's allowance is spent.</summary>
    public async Task<LatchkeyError?> TakeAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (start, end) = FixedWindow.Of(now, TimeSpan.FromHours(1));
        var count = await counters.HitAsync(FixedWindow.Key(hasher, $"email-codes|{siteId}|{normalizedEmail}"), start, end, cancellationToken);
        return count <= CodesPerHour
            ? null
            : LatchkeyErrors.EmailCodeLimitReached with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((end - now).TotalSeconds)) };
    }
}

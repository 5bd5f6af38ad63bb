namespace Latchkey.Core.Storage;

/// <summary>
/// Fixed-window counters shared by every node (in the database, so PostgreSQL nodes count together). Keys are
/// digests: counters never hold an email or an IP address in clear.
/// </summary>
public interface IThrottleStore
{
    /// <summary>Adds one to the counter of <paramref name="key"/> in the window starting at <paramref name="windowStart"/>; answers the new count.</summary>
    Task<long> HitAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The count in that window, without adding to it.</summary>
    Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken);

    /// <summary>Forgets the counter (a success from the owner resets the account's failures).</summary>
    Task ResetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes counters whose window ended before <paramref name="now"/>; answers how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

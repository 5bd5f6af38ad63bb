using Latchkey.Core.AbuseProtection;

namespace Latchkey.Core.Storage;

/// <summary>
/// Per-member counters of wrong codes, shared by every node (issue #21). Each write is one conditional statement, so
/// concurrent guesses on any node never share or lose a count.
/// </summary>
public interface IGuessStore
{
    /// <summary>
    /// Counts one guess before the code is looked at, in one conditional write: a ticket when the key is not paused and
    /// has fewer than <paramref name="max"/> outstanding wrong guesses, otherwise null.
    /// </summary>
    Task<GuessTicket?> TryTakeAsync(string key, int max, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the key is paused, until when (null when it is not paused at <paramref name="now"/>).</summary>
    Task<DateTimeOffset?> PausedUntilAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Pauses the key until <paramref name="until"/> if its wrong guesses reached <paramref name="max"/>, and starts a
    /// new count; true for the one caller that paused it, also under a race.
    /// </summary>
    Task<bool> TryPauseAsync(string key, int max, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets the key: the member entered a right code.</summary>
    Task ResetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the keys not touched since <paramref name="before"/> and not paused at <paramref name="now"/>; answers how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken);
}

using Latchkey.Core.Messaging;

namespace Latchkey.Core.Storage;

/// <summary>The outbox table as the dispatcher sees it.</summary>
public interface IOutboxStore
{
    Task AddAsync(OutboxEmail email, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="max"/> due messages for <paramref name="lease"/> (conditional update per row).</summary>
    Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    Task MarkSentAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    Task MarkFailedAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes messages sent before <paramref name="before"/>, and messages that used up their attempts and were
    /// queued before it (their sealed body with them); answers how many.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

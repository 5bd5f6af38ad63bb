using Latchkey.Core.Messaging;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfOutboxStore(LatchkeyDbContext db) : IOutboxStore
{
    public async Task AddAsync(OutboxEmail email, CancellationToken cancellationToken)
    {
        db.Outbox.Add(email);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(email).State = EntityState.Detached;
    }

    public async Task<IReadOnlyList<OutboxEmail>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var candidates = await db.Outbox.AsNoTracking()
            .Where(e => e.SentAt == null && e.NextAttemptAt <= now && e.LockedUntil <= now && e.Attempts < OutboxEmail.MaxAttempts)
            .OrderBy(e => e.NextAttemptAt).Take(max).ToListAsync(cancellationToken);
        var claimed = new List<OutboxEmail>();
        var until = now + lease;
        foreach (var candidate in candidates)
        {
            // A conditional update per row: when several nodes poll, each message goes to exactly one.
            var won = await db.Outbox.Where(e => e.Id == candidate.Id && e.SentAt == null && e.LockedUntil <= now)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.LockedUntil, until), cancellationToken);
            if (won == 1)
            {
                claimed.Add(candidate);
            }
        }

        return claimed;
    }

    public Task MarkSentAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Outbox.Where(e => e.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.SentAt, now)
            .SetProperty(e => e.SealedText, (byte[]?)null)
            .SetProperty(e => e.LastError, (string?)null), cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.Outbox.Where(e => (e.SentAt != null && e.SentAt < before) || (e.SentAt == null && e.Attempts >= OutboxEmail.MaxAttempts && e.CreatedAt < before))
            .ExecuteDeleteAsync(cancellationToken);

    public Task MarkFailedAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
        db.Outbox.Where(e => e.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.Attempts, attempts)
            .SetProperty(e => e.NextAttemptAt, nextAttemptAt)
            .SetProperty(e => e.LockedUntil, nextAttemptAt)
            .SetProperty(e => e.LastError, error.Length > 1000 ? error[..1000] : error), cancellationToken);
}

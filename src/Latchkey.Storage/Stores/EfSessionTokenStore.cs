using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfSessionTokenStore(LatchkeyDbContext db) : ISessionTokenStore
{
    public async Task AddAsync(SessionToken token, CancellationToken cancellationToken)
    {
        db.SessionTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(token).State = EntityState.Detached;
    }

    public async Task<SessionToken?> TryRedeemAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One conditional UPDATE: the affected row count is the verdict, so two concurrent redemptions cannot both win.
        var updated = await db.SessionTokens
            .Where(t => t.TokenHash == tokenHash && t.ConsumedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        if (updated != 1)
        {
            return null;
        }

        return await db.SessionTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, cancellationToken);
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await db.SessionTokens.Where(t => t.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
}

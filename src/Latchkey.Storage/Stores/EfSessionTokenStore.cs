using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfSessionTokenStore(LatchkeyDbContext db) : ISessionTokenStore
{
    // One INSERT instead of SaveChanges: a session token is written once, unconsumed, and never tracked, and the change
    // tracker's attach, snapshot and batching were half of EF Core's CPU in a login (docs/benchmarks.md). Parameters go
    // through the provider's type mappings as the model's do; instants are UTC ticks (DateTimeOffsetTicksConverter).
    private const string Insert = """
        INSERT INTO session_tokens ("Id", "SiteId", "MemberId", "MemberStamp", "TokenHash", "KeyVersion", "CreatedAt", "ExpiresAt", "ConsumedAt")
        VALUES ({0}, {1}, {2}, {7}, {3}, {4}, {5}, {6}, NULL)
        """;

    // A null parameter has no type to map, so a token without a stamp names NULL in the text instead.
    private static readonly string InsertWithoutStamp = Insert.Replace("{7}", "NULL", StringComparison.Ordinal);

    public async Task AddAsync(SessionToken token, CancellationToken cancellationToken)
    {
        if (token.ConsumedAt is not null)
        {
            throw new ArgumentException("A session token is stored unconsumed.", nameof(token));
        }

        object[] values = [token.Id, token.SiteId, token.MemberId, token.TokenHash, token.KeyVersion, token.CreatedAt.UtcTicks, token.ExpiresAt.UtcTicks];
        await (token.MemberStamp is { } stamp
            ? db.Database.ExecuteSqlRawAsync(Insert, [.. values, stamp], cancellationToken)
            : db.Database.ExecuteSqlRawAsync(InsertWithoutStamp, values, cancellationToken));
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

    public Task<Guid?> FindSiteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.SessionTokens.AsNoTracking().Where(t => t.TokenHash == tokenHash && t.ConsumedAt == null && t.ExpiresAt > now)
            .Select(t => (Guid?)t.SiteId).FirstOrDefaultAsync(cancellationToken);

    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await db.SessionTokens.Where(t => t.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
}

using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

/// <summary>A counter row: one per key, holding the count of its current fixed window.</summary>
public sealed class ThrottleCounter
{
    public required string Key { get; init; }
    public DateTimeOffset WindowStart { get; set; }
    public long Count { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A used CAPTCHA solution, kept until the challenge would have expired anyway.</summary>
public sealed class CaptchaReplay
{
    public required string Digest { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

internal sealed class EfThrottleStore(LatchkeyDbContext db) : IThrottleStore, ICaptchaReplayStore
{
    // Compiled: the guard reads an account's failures before every login and recovery (see EfMemberStore.ByEmail).
    private static readonly CompiledPerModel<Func<LatchkeyDbContext, string, DateTimeOffset, CancellationToken, Task<long?>>> CountInWindow =
        new(() => EF.CompileAsyncQuery((LatchkeyDbContext db, string key, DateTimeOffset windowStart, CancellationToken _) =>
            db.Set<ThrottleCounter>().AsNoTracking()
                .Where(c => c.Key == key && c.WindowStart == windowStart)
                .Select(c => (long?)c.Count).FirstOrDefault()));

    // One statement per hit: the upsert both starts a new window and counts, so concurrent requests on any node
    // never lose a count (SQLite 3.35+ and PostgreSQL both speak ON CONFLICT … RETURNING). A window only moves
    // forward: a node whose clock lags counts into the current window instead of resetting it.
    private const string Hit = """
        INSERT INTO throttle_counters ("Key", "WindowStart", "Count", "ExpiresAt") VALUES ({0}, {1}, 1, {2})
        ON CONFLICT ("Key") DO UPDATE SET
            "Count" = CASE WHEN excluded."WindowStart" > throttle_counters."WindowStart" THEN 1 ELSE throttle_counters."Count" + 1 END,
            "WindowStart" = CASE WHEN excluded."WindowStart" > throttle_counters."WindowStart" THEN excluded."WindowStart" ELSE throttle_counters."WindowStart" END,
            "ExpiresAt" = CASE WHEN excluded."WindowStart" > throttle_counters."WindowStart" THEN excluded."ExpiresAt" ELSE throttle_counters."ExpiresAt" END
        RETURNING "Count" AS "Value"
        """;

    private const string Use = """
        INSERT INTO captcha_replays ("Digest", "ExpiresAt") VALUES ({0}, {1}) ON CONFLICT ("Digest") DO NOTHING
        """;

    public async Task<long> HitAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var counts = await db.Database.SqlQueryRaw<long>(Hit, key, windowStart.UtcTicks, expiresAt.UtcTicks).ToListAsync(cancellationToken);
        return counts.Single();
    }

    public async Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        await CountInWindow.For(db)(db, key, windowStart, cancellationToken) ?? 0;

    public Task ResetAsync(string key, CancellationToken cancellationToken) =>
        db.Set<ThrottleCounter>().Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Set<ThrottleCounter>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken) +
        await db.Set<CaptchaReplay>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);

    public async Task<bool> TryUseAsync(string digest, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync(Use, [digest, expiresAt.UtcTicks], cancellationToken) == 1;
}

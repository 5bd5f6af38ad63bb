using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

/// <summary>A member's count of wrong codes of one kind (issue #21); the key is a digest, so the table names nobody.</summary>
public sealed class GuessCounter
{
    public required string Key { get; init; }

    /// <summary>Guesses taken and not yet answered by a right code, since the count last started.</summary>
    public int Failures { get; set; }

    /// <summary>How many times the key has paused: each pause lasts twice the last.</summary>
    public int Pauses { get; set; }
    public DateTimeOffset? PausedUntil { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class EfGuessStore(LatchkeyDbContext db) : IGuessStore
{
    // One statement takes a guess: insert the key's first, or count one more while it is neither paused nor spent. The
    // conditional upsert is atomic on SQLite and PostgreSQL alike, so concurrent guesses on any node never share a
    // count; when the condition fails nothing is returned, and the guess is refused.
    private const string Take = """
        INSERT INTO guess_counters ("Key", "Failures", "Pauses", "PausedUntil", "UpdatedAt") VALUES ({0}, 1, 0, NULL, {1})
        ON CONFLICT ("Key") DO UPDATE SET "Failures" = guess_counters."Failures" + 1, "UpdatedAt" = excluded."UpdatedAt"
        WHERE guess_counters."Failures" < {2} AND (guess_counters."PausedUntil" IS NULL OR guess_counters."PausedUntil" <= {1})
        RETURNING "Pauses" AS "Value"
        """;

    public async Task<GuessTicket?> TryTakeAsync(string key, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var taken = await db.Database.SqlQueryRaw<int>(Take, key, now.UtcTicks, max).ToListAsync(cancellationToken);
        return taken.Count == 1 ? new GuessTicket(taken[0]) : null;
    }

    public async Task<DateTimeOffset?> PausedUntilAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = await db.Set<GuessCounter>().AsNoTracking().Where(c => c.Key == key).Select(c => c.PausedUntil).FirstOrDefaultAsync(cancellationToken);
        return until > now ? until : null;
    }

    // Only the request whose wrong guess finds the count spent pauses the key: the same update starts a new count, so a
    // second one matches nothing.
    public async Task<bool> TryPauseAsync(string key, int max, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Set<GuessCounter>().Where(c => c.Key == key && c.Failures >= max)
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Failures, 0)
                .SetProperty(c => c.Pauses, c => c.Pauses + 1)
                .SetProperty(c => c.PausedUntil, until)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;

    public Task ResetAsync(string key, CancellationToken cancellationToken) =>
        db.Set<GuessCounter>().Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Set<GuessCounter>().Where(c => c.UpdatedAt < before && (c.PausedUntil == null || c.PausedUntil < now)).ExecuteDeleteAsync(cancellationToken);
}

internal sealed class EfRegistrationDecoyStore(LatchkeyDbContext db) : IRegistrationDecoyStore
{
    public async Task AddAsync(RegistrationDecoy decoy, CancellationToken cancellationToken)
    {
        db.Set<RegistrationDecoy>().Add(decoy);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(decoy).State = EntityState.Detached;
        var stale = await db.Set<RegistrationDecoy>().AsNoTracking().Where(d => d.OwnerId == decoy.OwnerId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(RegistrationDecoy.KeptPerMember).Select(d => d.Id)
            .ToListAsync(cancellationToken);
        if (stale.Count > 0)
        {
            await db.Set<RegistrationDecoy>().Where(d => stale.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<RegistrationDecoy>> ListAsync(Guid ownerId, CancellationToken cancellationToken) =>
        await db.Set<RegistrationDecoy>().AsNoTracking().Where(d => d.OwnerId == ownerId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(RegistrationDecoy.KeptPerMember).ToListAsync(cancellationToken);
}

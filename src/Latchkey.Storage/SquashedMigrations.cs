using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Latchkey.Storage;

/// <summary>
/// Before the first release each provider's migrations were squashed into one <c>Initial</c> migration
/// (docs/decisions/0021-squashed-migrations.md). A database migrated by a pre-release build still lists the old
/// migrations in <c>__EFMigrationsHistory</c>, and EF would create every table again over its own. A database at the
/// last pre-release migration already has the squashed schema, so its history is rewritten to the baseline; a database
/// part of the way there is refused with what to do.
/// </summary>
public static class SquashedMigrations
{
    /// <summary>
    /// Rewrites a complete pre-release history (<paramref name="squashed"/>: the provider's migrations that <c>Initial</c>
    /// replaced, oldest first) to the baseline; does nothing on any other database. Throws
    /// <see cref="MigrationHistoryException"/> when the history holds only some of them.
    /// </summary>
    public static async Task AdoptAsync(LatchkeyDbContext db, IReadOnlyList<string> squashed, CancellationToken cancellationToken)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (!applied.Intersect(squashed, StringComparer.Ordinal).Any())
        {
            return;
        }

        var baseline = db.Database.GetMigrations().First();
        if (!applied.Order(StringComparer.Ordinal).SequenceEqual(squashed.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            throw new MigrationHistoryException(
                $"This database was migrated by a pre-release build of Latchkey to {applied.Order(StringComparer.Ordinal).Last()}, " +
                $"before the migrations were squashed into {baseline} (docs/decisions/0021-squashed-migrations.md). Only a " +
                $"database at the last pre-release migration, {squashed[^1]}, can be taken over: migrate it with that build " +
                "first, or start on a new, empty database.");
        }

        // The schema is the baseline's already (the squash changed no table, column or index): only the history moves.
        var history = db.GetService<IHistoryRepository>();
        var statements = squashed.Select(history.GetDeleteScript)
            .Append(history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var statement in statements)
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>The database's migration history is one this build cannot continue from; the message says what to do.</summary>
public sealed class MigrationHistoryException(string message) : Exception(message);

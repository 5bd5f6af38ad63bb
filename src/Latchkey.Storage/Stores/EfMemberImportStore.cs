using System.Data.Common;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Latchkey.Storage.Stores;

/// <summary>
/// The import's bulk writer: multi-row INSERTs inside one transaction per batch. The columns, the value converters
/// and the parameter types all come from the EF model, so SQLite and PostgreSQL store exactly what
/// <see cref="EfMemberStore"/> would, at a fraction of the change tracker's cost.
/// </summary>
internal sealed class EfMemberImportStore(LatchkeyDbContext db) : IMemberImportStore
{
    /// <summary>15 columns × 100 rows = 1,500 parameters, well inside SQLite's 32,766 and PostgreSQL's 65,535.</summary>
    private const int RowsPerStatement = 100;

    public async Task<IReadOnlySet<string>> FindTakenEmailsAsync(Guid siteId, IReadOnlyCollection<string> normalizedEmails, CancellationToken cancellationToken)
    {
        var emails = normalizedEmails.ToArray();
        var taken = await db.Members.AsNoTracking()
            .Where(m => m.SiteId == siteId && emails.Contains(m.NormalizedEmail))
            .Select(m => m.NormalizedEmail)
            .ToListAsync(cancellationToken);
        return taken.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<bool> TryAddBatchAsync(IReadOnlyList<Member> members, CancellationToken cancellationToken)
    {
        if (members.Count == 0)
        {
            return true;
        }

        await FreeTakenSlugsAsync(members, cancellationToken);
        var entity = db.Model.FindEntityType(typeof(Member))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.GetColumnName(table) is not null).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
            $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))})";

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // The whole batch is one transaction: a member is stored whole, and a batch all or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                // SQLite binds parameters by name with a linear search, so a wide statement costs quadratic time there:
                // it gets one prepared single-row INSERT, run per member. PostgreSQL gets 100 rows per round trip.
                var perStatement = db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true ? 1 : RowsPerStatement;
                for (var offset = 0; offset < members.Count;)
                {
                    var rows = Math.Min(perStatement, members.Count - offset);
                    await using var command = await PrepareAsync(transaction.GetDbTransaction(), columns, insert, sql, rows, cancellationToken);
                    for (; offset + rows <= members.Count; offset += rows)
                    {
                        for (var row = 0; row < rows; row++)
                        {
                            for (var i = 0; i < columns.Length; i++)
                            {
                                var value = columns[i].GetGetter().GetClrValue(members[offset + row]);
                                var converter = ((RelationalTypeMapping)columns[i].GetRelationalTypeMapping()).Converter;
                                command.Parameters[(row * columns.Length) + i].Value =
                                    (value is null ? null : converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
                            }
                        }

                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
                return true;
            }
            catch (DbException)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                // The unique index on (site, normalized email) refused a row taken meanwhile; any other failure is a bug.
                var emails = members.Select(m => m.NormalizedEmail).ToArray();
                var siteId = members[0].SiteId;
                if (await db.Members.AsNoTracking().AnyAsync(m => m.SiteId == siteId && emails.Contains(m.NormalizedEmail), cancellationToken))
                {
                    return false;
                }

                // Or a slug was taken meanwhile: the importer retries the batch, and the next try leaves it out.
                var slugs = members.Where(m => m.Slug is not null).Select(m => m.Slug!).ToArray();
                if (await db.Members.AsNoTracking().AnyAsync(m => m.SiteId == siteId && slugs.Contains(m.Slug!), cancellationToken))
                {
                    return false;
                }

                throw;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A slug is unique per site (docs/wire/members.md#slugs): an imported profile's slug that another member holds,
    /// or that an earlier row of the batch claims, is left out rather than failing the batch; the member can set
    /// another through the Members API.
    /// </summary>
    private async Task FreeTakenSlugsAsync(IReadOnlyList<Member> members, CancellationToken cancellationToken)
    {
        var slugs = members.Where(m => m.Slug is not null).Select(m => m.Slug!).Distinct(StringComparer.Ordinal).ToArray();
        if (slugs.Length == 0)
        {
            return;
        }

        var siteId = members[0].SiteId;
        var taken = (await db.Members.AsNoTracking().Where(m => m.SiteId == siteId && slugs.Contains(m.Slug!)).Select(m => m.Slug!)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.Slug is { } slug && !taken.Add(slug))
            {
                member.Profile = member.Profile with { Slug = null };
            }
        }
    }

    /// <summary>An INSERT of <paramref name="rows"/> rows, its parameters typed by the model's mappings, prepared for reuse.</summary>
    private async Task<DbCommand> PrepareAsync(
        DbTransaction transaction, IProperty[] columns, string insert, ISqlGenerationHelper sql, int rows, CancellationToken cancellationToken)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        var values = new List<string>(rows);
        for (var row = 0; row < rows; row++)
        {
            var placeholders = new string[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var name = $"p{row}_{i}";
                var mapping = (RelationalTypeMapping)columns[i].GetRelationalTypeMapping();
                command.Parameters.Add(mapping.CreateParameter(command, name, null, nullable: columns[i].IsNullable));
                placeholders[i] = sql.GenerateParameterNamePlaceholder(name);
            }

            values.Add($"({string.Join(", ", placeholders)})");
        }

        command.CommandText = $"{insert} VALUES {string.Join(", ", values)}";
        await command.PrepareAsync(cancellationToken);
        return command;
    }
}

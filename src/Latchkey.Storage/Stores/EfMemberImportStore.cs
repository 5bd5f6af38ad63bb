using System.Data.Common;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Latchkey.Storage.Stores;

/// <summary>
/// The import's bulk writer. Rows go through one prepared INSERT per batch inside one transaction; the columns, the
/// value converters and the parameter types all come from the EF model, so SQLite and PostgreSQL store exactly what
/// <see cref="EfMemberStore"/> would, at a fraction of the change tracker's cost (about 5x on 100,000 members).
/// </summary>
internal sealed class EfMemberImportStore(LatchkeyDbContext db) : IMemberImportStore
{
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

        var entity = db.Model.FindEntityType(typeof(Member))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.GetColumnName(table) is not null).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // The whole batch is one transaction: a member is stored whole, and a batch all or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            var parameters = new (IProperty Property, RelationalTypeMapping Mapping, DbParameter Parameter)[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var mapping = (RelationalTypeMapping)columns[i].GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(command, "p" + i, null, nullable: columns[i].IsNullable);
                command.Parameters.Add(parameter);
                parameters[i] = (columns[i], mapping, parameter);
            }

            command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
                $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder("p" + i)))})";
            await command.PrepareAsync(cancellationToken);

            try
            {
                foreach (var member in members)
                {
                    foreach (var (property, mapping, parameter) in parameters)
                    {
                        var value = property.GetGetter().GetClrValue(member);
                        parameter.Value = (value is null ? null : mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken);
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

                throw;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

using System.Linq.Expressions;
using System.Text;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

/// <summary>
/// The Members API's query language (<see cref="MemberFilter"/>) as LINQ: each condition becomes a predicate on the
/// member columns, combined into one expression that EF translates for the provider. Every comparison is exact
/// (ordinal), on both databases alike (docs/conventions.md#storage).
/// </summary>
internal sealed class EfMemberDirectory(LatchkeyDbContext db) : IMemberDirectory
{
    private static readonly ParameterExpression M = Expression.Parameter(typeof(Member), "m");

    public async Task<MemberListPage> QueryAsync(Guid siteId, MemberListQuery query, CancellationToken cancellationToken)
    {
        var members = db.Members.AsNoTracking().Where(m => m.SiteId == siteId);
        if (query.PublicOnly)
        {
            members = members.Where(m => m.Status == MemberStatus.Active && m.Privacy == MemberPrivacy.Public);
        }

        if (query.Filter is { } filter)
        {
            members = members.Where(Expression.Lambda<Func<Member, bool>>(Translate(filter), M));
        }

        var total = await members.CountAsync(cancellationToken);
        if (query.Limit == 0 || query.Offset >= total)
        {
            return new MemberListPage([], total);
        }

        var page = await Sorted(members, query.Sort).Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return new MemberListPage(page, total);
    }

    public Task<Member?> FindBySlugAsync(Guid siteId, string slug, CancellationToken cancellationToken) =>
        db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.SiteId == siteId && m.Slug == slug, cancellationToken);

    public async Task<bool> TrySaveSlugAsync(Member member, CancellationToken cancellationToken)
    {
        if (db.Entry(member).State == EntityState.Detached)
        {
            db.Members.Update(member);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            if (!await db.Members.AsNoTracking().AnyAsync(m => m.SiteId == member.SiteId && m.Slug == member.Slug && m.Id != member.Id, cancellationToken))
            {
                throw;
            }

            // The unique (site, slug) index refused it: another member took the slug since the caller looked.
            db.Entry(member).State = EntityState.Detached;
            return false;
        }
    }

    private static IQueryable<Member> Sorted(IQueryable<Member> members, IReadOnlyList<MemberSort> sort)
    {
        IOrderedQueryable<Member>? ordered = null;
        foreach (var key in sort)
        {
            ordered = key.Field switch
            {
                MemberSortField.CreatedDate => Then(ordered, members, m => m.CreatedAt, key.Descending),
                MemberSortField.UpdatedDate => Then(ordered, members, m => m.UpdatedAt, key.Descending),
                MemberSortField.LoginEmail => Then(ordered, members, m => m.NormalizedEmail, key.Descending),
                MemberSortField.Nickname => Then(ordered, members, m => m.Nickname, key.Descending),
                MemberSortField.Id => Then(ordered, members, m => m.Id, key.Descending),
                _ => throw new ArgumentOutOfRangeException(nameof(sort), key.Field, "Unknown sort field."),
            };
        }

        // The id last: equal keys would otherwise come in any order, and an offset could skip or repeat a member.
        return ordered is null ? members.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id) : ordered.ThenBy(m => m.Id);
    }

    private static IOrderedQueryable<Member> Then<TKey>(
        IOrderedQueryable<Member>? ordered, IQueryable<Member> members, Expression<Func<Member, TKey>> key, bool descending) =>
        ordered is null
            ? descending ? members.OrderByDescending(key) : members.OrderBy(key)
            : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);

    private Expression Translate(MemberFilter filter) => filter switch
    {
        AllOf all => all.Filters.Count == 0 ? Expression.Constant(true) : all.Filters.Select(Translate).Aggregate(Expression.AndAlso),
        AnyOf any => any.Filters.Count == 0 ? Expression.Constant(false) : any.Filters.Select(Translate).Aggregate(Expression.OrElse),
        NotOf not => Expression.Not(Translate(not.Filter)),
        TextCondition text => Body(text.Field == MemberTextField.LoginEmail ? Email(text) : Nickname(text)),
        StatusCondition status => Body(Status(status)),
        CreatedCondition created => Created(created),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown filter."),
    };

    private Expression<Func<Member, bool>> Email(TextCondition condition)
    {
        var values = condition.Values.OfType<string>().ToArray();
        var value = values.FirstOrDefault() ?? "";
        return condition.Operator switch
        {
            FilterOperator.Eq => m => m.NormalizedEmail == value,
            FilterOperator.Ne => m => m.NormalizedEmail != value,
            FilterOperator.In => m => values.Contains(m.NormalizedEmail),
            FilterOperator.StartsWith => EmailPrefix(value),
            _ => throw Unsupported(condition.Operator),
        };
    }

    /// <summary>
    /// A prefix that stays on the (site, normalized email) index. PostgreSQL: <c>LIKE 'prefix%'</c>, which the index's
    /// text_pattern_ops class serves under any database collation (LatchkeyDbContext). SQLite's LIKE ignores ASCII
    /// case and so never uses a BINARY index; there the prefix is the range [prefix, successor), which BINARY (byte,
    /// hence code point) order makes exact.
    /// </summary>
    private Expression<Func<Member, bool>> EmailPrefix(string prefix)
    {
        if (prefix.Length == 0)
        {
            return _ => true;
        }

        if (db.Database.ProviderName == LatchkeyDbContext.PostgreSqlProvider)
        {
            return m => m.NormalizedEmail.StartsWith(prefix);
        }

        var successor = Successor(prefix);
        return successor is null
            ? m => string.Compare(m.NormalizedEmail, prefix) >= 0
            : m => string.Compare(m.NormalizedEmail, prefix) >= 0 && string.Compare(m.NormalizedEmail, successor) < 0;
    }

    private static Expression<Func<Member, bool>> Nickname(TextCondition condition)
    {
        var value = condition.Values.Count > 0 ? condition.Values[0] : null;
        var values = condition.Values.OfType<string>().ToArray();
        var orNone = condition.Values.Any(v => v is null);
        switch (condition.Operator)
        {
            case FilterOperator.Eq:
                return value is null ? m => m.Nickname == null : m => m.Nickname == value;
            case FilterOperator.Ne:
                return value is null ? m => m.Nickname != null : m => m.Nickname == null || m.Nickname != value;
            case FilterOperator.In:
                return orNone ? m => m.Nickname == null || values.Contains(m.Nickname) : m => m.Nickname != null && values.Contains(m.Nickname);
            case FilterOperator.StartsWith:
                // substr counts characters (code points) on both databases; LIKE would ignore case on SQLite only.
                var prefix = value ?? "";
                var length = prefix.EnumerateRunes().Count();
                return m => m.Nickname != null && m.Nickname.Substring(0, length) == prefix;
            default:
                throw Unsupported(condition.Operator);
        }
    }

    private static Expression<Func<Member, bool>> Status(StatusCondition condition)
    {
        var values = condition.Values.ToArray();
        var value = values.FirstOrDefault();
        return condition.Operator switch
        {
            FilterOperator.Eq => m => m.Status == value,
            FilterOperator.Ne => m => m.Status != value,
            FilterOperator.In => m => values.Contains(m.Status),
            _ => throw Unsupported(condition.Operator),
        };
    }

    /// <summary>
    /// Times compare at the wire's precision: a member shows its creation time in whole milliseconds, so a filter's
    /// time stands for that whole millisecond (<c>$gt</c> the <c>createdDate</c> of a member never finds that member).
    /// </summary>
    private static Expression Created(CreatedCondition condition)
    {
        var windows = condition.Values.Select(v => (From: Truncate(v), To: Truncate(v).AddMilliseconds(1))).ToArray();
        var (from, to) = windows.FirstOrDefault();
        return condition.Operator switch
        {
            FilterOperator.Eq => Body(m => m.CreatedAt >= from && m.CreatedAt < to),
            FilterOperator.Ne => Body(m => m.CreatedAt < from || m.CreatedAt >= to),
            FilterOperator.In => windows.Length == 0
                ? Expression.Constant(false)
                : windows.Select(w => Body(m => m.CreatedAt >= w.From && m.CreatedAt < w.To)).Aggregate(Expression.OrElse),
            FilterOperator.Gt => Body(m => m.CreatedAt >= to),
            FilterOperator.Gte => Body(m => m.CreatedAt >= from),
            FilterOperator.Lt => Body(m => m.CreatedAt < from),
            FilterOperator.Lte => Body(m => m.CreatedAt < to),
            _ => throw Unsupported(condition.Operator),
        };
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>The smallest string above every string that starts with <paramref name="prefix"/>, in code point order; null when none is.</summary>
    internal static string? Successor(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last < 0x10FFFF)
            {
                var next = last + 1 == 0xD800 ? 0xE000 : last + 1;
                var builder = new StringBuilder();
                foreach (var rune in runes)
                {
                    builder.Append(rune.ToString());
                }

                return builder.Append(new Rune(next).ToString()).ToString();
            }
        }

        return null;
    }

    /// <summary>The lambda's body over the one shared parameter, so that conditions combine into one predicate.</summary>
    private static Expression Body(Expression<Func<Member, bool>> lambda) =>
        new ParameterSwap(lambda.Parameters[0], M).Visit(lambda.Body);

    private static ArgumentOutOfRangeException Unsupported(FilterOperator op) =>
        new(nameof(op), op, "The query parser lets no such operator through for this field.");

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

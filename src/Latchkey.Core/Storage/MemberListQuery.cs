namespace Latchkey.Core.Storage;

/// <summary>
/// One page of a site's members for the Members API: filtered, sorted (then by id, so offsets are stable) and cut at
/// <see cref="Offset"/> and <see cref="Limit"/>. <see cref="PublicOnly"/> keeps the members other members and visitors
/// may see (active and public, docs/wire/members.md#who-sees-what).
/// </summary>
public sealed record MemberListQuery(MemberFilter? Filter, IReadOnlyList<MemberSort> Sort, int Offset, int Limit, bool PublicOnly);

/// <summary>One sort key of <see cref="MemberListQuery"/>.</summary>
public sealed record MemberSort(MemberSortField Field, bool Descending);

public enum MemberSortField
{
    CreatedDate,
    UpdatedDate,
    LoginEmail,
    Nickname,
    Id,
}

/// <summary>The members of one page and how many match the query in all.</summary>
public sealed record MemberListPage(IReadOnlyList<Members.Member> Members, int Total);

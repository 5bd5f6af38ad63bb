using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>The Members API's reads and its one unique field beyond the email: queries of a site's members, and slugs.</summary>
public interface IMemberDirectory
{
    /// <summary>The page <paramref name="query"/> asks for, untracked, and the number of matches.</summary>
    Task<MemberListPage> QueryAsync(Guid siteId, MemberListQuery query, CancellationToken cancellationToken);

    /// <summary>The member of the site whose slug (normal form) this is, or null.</summary>
    Task<Member?> FindBySlugAsync(Guid siteId, string slug, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a member whose slug was changed on purpose (the Members API's slug call); false, and nothing saved, when
    /// another member of the site holds the slug by now. Unlike <see cref="IMemberStore.UpdateAsync"/>, it never picks
    /// another slug.
    /// </summary>
    Task<bool> TrySaveSlugAsync(Member member, CancellationToken cancellationToken);
}

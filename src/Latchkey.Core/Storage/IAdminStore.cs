using Latchkey.Core.Clients;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;

namespace Latchkey.Core.Storage;

/// <summary>
/// What administration needs beyond the request path's ports: listing and searching, revoking keys, editing client
/// deleting members. Used by the admin operations only (CLI and REST).
/// </summary>
public interface IAdminStore
{
    Task<IReadOnlyList<Site>> ListSitesAsync(CancellationToken cancellationToken);

    /// <summary>At most <see cref="MemberQuery.PageSize"/> members with an id above <see cref="MemberQuery.After"/>.</summary>
    Task<IReadOnlyList<Member>> ListMembersAsync(Guid siteId, MemberQuery query, CancellationToken cancellationToken);

    /// <summary>Removes the member and, by cascade, their sessions, flows, tokens and MFA records; false when absent.</summary>
    Task<bool> DeleteMemberAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    /// <summary>The member's sessions, newest first, live or not.</summary>
    Task<IReadOnlyList<MemberSession>> ListSessionsAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(Guid siteId, CancellationToken cancellationToken);

    /// <summary>Sets <c>revoked_at</c> once; false when the key is unknown on the site or already revoked.</summary>
    Task<bool> RevokeApiKeyAsync(Guid siteId, Guid keyId, DateTimeOffset now, CancellationToken cancellationToken);
}

using Latchkey.Core.Clients;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfAdminStore(LatchkeyDbContext db) : IAdminStore
{
    public async Task<IReadOnlyList<Site>> ListSitesAsync(CancellationToken cancellationToken) =>
        await db.Sites.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<Member>> ListMembersAsync(Guid siteId, MemberQuery query, CancellationToken cancellationToken)
    {
        var members = db.Members.AsNoTracking().Where(m => m.SiteId == siteId);
        if (query.Search is { Length: > 0 } search)
        {
            // Emails are stored normalised (lower case), so a lower-case substring matches on every provider.
            var needle = search.Trim().ToLowerInvariant();
            members = members.Where(m => m.NormalizedEmail.Contains(needle));
        }

        if (query.Status is { } status)
        {
            members = members.Where(m => m.Status == status);
        }

        if (query.After is { } after)
        {
            members = members.Where(m => m.Id.CompareTo(after) > 0);
        }

        return await members.OrderBy(m => m.Id).Take(query.PageSize).ToListAsync(cancellationToken);
    }

    public async Task<bool> DeleteMemberAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        await db.Members.Where(m => m.SiteId == siteId && m.Id == memberId).ExecuteDeleteAsync(cancellationToken) == 1;

    public async Task<IReadOnlyList<MemberSession>> ListSessionsAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        await db.MemberSessions.AsNoTracking().Where(s => s.SiteId == siteId && s.MemberId == memberId)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(Guid siteId, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().Where(k => k.SiteId == siteId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    public async Task<bool> RevokeApiKeyAsync(Guid siteId, Guid keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.ApiKeys.Where(k => k.SiteId == siteId && k.Id == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, now), cancellationToken) == 1;
}

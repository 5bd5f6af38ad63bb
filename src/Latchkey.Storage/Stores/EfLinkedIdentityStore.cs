using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfLinkedIdentityStore(LatchkeyDbContext db) : ILinkedIdentityStore
{
    public Task<LinkedIdentity?> FindAsync(Guid providerId, string subject, CancellationToken cancellationToken) =>
        db.LinkedIdentities.AsNoTracking().FirstOrDefaultAsync(i => i.ProviderId == providerId && i.Subject == subject, cancellationToken);

    public async Task<IReadOnlyList<LinkedIdentity>> ListAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        await db.LinkedIdentities.AsNoTracking().Where(i => i.SiteId == siteId && i.MemberId == memberId)
            .OrderBy(i => i.LinkedAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);

    public async Task<bool> LinkAsync(LinkedIdentity identity, CancellationToken cancellationToken)
    {
        db.LinkedIdentities.Add(identity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The unique (registration, subject) index decides a race: the other sign-in linked it first. Any other
            // failure is a bug, and goes on.
            db.Entry(identity).State = EntityState.Detached;
            if (await IsLinkedAsync(identity, cancellationToken))
            {
                return false;
            }

            throw;
        }
        finally
        {
            db.Entry(identity).State = EntityState.Detached;
        }
    }

    public Task TouchAsync(Guid id, string? email, DateTimeOffset signedInAt, CancellationToken cancellationToken) =>
        db.LinkedIdentities.Where(i => i.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(i => i.Email, i => email ?? i.Email)
            .SetProperty(i => i.LastSignInAt, signedInAt), cancellationToken);

    public async Task<bool> UnlinkAsync(Guid siteId, Guid memberId, Guid id, CancellationToken cancellationToken) =>
        await db.LinkedIdentities.Where(i => i.SiteId == siteId && i.MemberId == memberId && i.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;

    private async Task<bool> IsLinkedAsync(LinkedIdentity identity, CancellationToken cancellationToken) =>
        await db.LinkedIdentities.AsNoTracking().AnyAsync(
            i => i.ProviderId == identity.ProviderId && i.Subject == identity.Subject && i.Id != identity.Id, cancellationToken);
}

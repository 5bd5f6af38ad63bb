using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfIdentityProviderStore(LatchkeyDbContext db) : IIdentityProviderStore
{
    public async Task<IReadOnlyList<IdentityProvider>> ListAsync(Guid siteId, CancellationToken cancellationToken) =>
        await db.IdentityProviders.AsNoTracking().Where(p => p.SiteId == siteId).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);

    public Task<IdentityProvider?> FindAsync(Guid siteId, Guid id, CancellationToken cancellationToken) =>
        db.IdentityProviders.AsNoTracking().FirstOrDefaultAsync(p => p.SiteId == siteId && p.Id == id, cancellationToken);

    public Task<IdentityProvider?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        db.IdentityProviders.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    public async Task AddAsync(IdentityProvider provider, CancellationToken cancellationToken)
    {
        db.IdentityProviders.Add(provider);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(provider).State = EntityState.Detached;
    }

    public async Task<bool> UpdateAsync(IdentityProvider provider, CancellationToken cancellationToken) =>
        await db.IdentityProviders.Where(p => p.SiteId == provider.SiteId && p.Id == provider.Id).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.DisplayName, provider.DisplayName)
            .SetProperty(p => p.ClientId, provider.ClientId)
            .SetProperty(p => p.SealedClientSecret, provider.SealedClientSecret)
            .SetProperty(p => p.Issuer, provider.Issuer)
            .SetProperty(p => p.Tenant, provider.Tenant)
            .SetProperty(p => p.TeamId, provider.TeamId)
            .SetProperty(p => p.KeyId, provider.KeyId)
            .SetProperty(p => p.TrustEmail, provider.TrustEmail)
            .SetProperty(p => p.Enabled, provider.Enabled)
            .SetProperty(p => p.UpdatedAt, provider.UpdatedAt), cancellationToken) == 1;

    public async Task<bool> DeleteAsync(Guid siteId, Guid id, CancellationToken cancellationToken)
    {
        // The identities go with it in the same transaction: none is left pointing at a registration that is gone, on a
        // database whose foreign keys are off or not.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LinkedIdentities.Where(i => i.SiteId == siteId && i.ProviderId == id).ExecuteDeleteAsync(cancellationToken);
        var deleted = await db.IdentityProviders.Where(p => p.SiteId == siteId && p.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }
}

using Latchkey.Core.Clients;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfClientStore(LatchkeyDbContext db) : IClientStore
{
    public Task<SiteClient?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);

    public async Task<IReadOnlyList<SiteClient>> FindBySiteAsync(Guid siteId, CancellationToken cancellationToken) =>
        await db.Clients.AsNoTracking().Where(c => c.SiteId == siteId).OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<SiteClient>> ListAllAsync(CancellationToken cancellationToken) =>
        await db.Clients.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);

    public async Task AddAsync(SiteClient client, CancellationToken cancellationToken)
    {
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task UpdateAsync(SiteClient client, CancellationToken cancellationToken)
    {
        db.Clients.Update(client);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(client).State = EntityState.Detached;
    }

    public Task<ApiKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == keyHash && k.RevokedAt == null, cancellationToken);

    public async Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken)
    {
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
    }
}

using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfSiteStore(LatchkeyDbContext db) : ISiteStore
{
    public Task<Site?> FindAsync(Guid siteId, CancellationToken cancellationToken) =>
        db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, cancellationToken);

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => db.Sites.AnyAsync(cancellationToken);

    public async Task UpdateAsync(Site site, CancellationToken cancellationToken)
    {
        db.Sites.Update(site);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(site).State = EntityState.Detached;
    }

    public async Task AddAsync(Site site, CancellationToken cancellationToken)
    {
        db.Sites.Add(site);
        await db.SaveChangesAsync(cancellationToken);
    }
}

using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfSiteEmailSettingsStore(LatchkeyDbContext db) : ISiteEmailSettingsStore
{
    public Task<SiteEmailSettings?> FindAsync(Guid siteId, CancellationToken cancellationToken) =>
        db.SiteEmailSettings.AsNoTracking().FirstOrDefaultAsync(s => s.SiteId == siteId, cancellationToken);

    public async Task SaveAsync(SiteEmailSettings settings, CancellationToken cancellationToken)
    {
        if (await db.SiteEmailSettings.AsNoTracking().AnyAsync(s => s.SiteId == settings.SiteId, cancellationToken))
        {
            db.SiteEmailSettings.Update(settings);
        }
        else
        {
            db.SiteEmailSettings.Add(settings);
        }

        await db.SaveChangesAsync(cancellationToken);
        db.Entry(settings).State = EntityState.Detached;
    }

    public Task DeleteAsync(Guid siteId, CancellationToken cancellationToken) =>
        db.SiteEmailSettings.Where(s => s.SiteId == siteId).ExecuteDeleteAsync(cancellationToken);
}

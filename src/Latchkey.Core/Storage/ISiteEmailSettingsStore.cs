using Latchkey.Core.Sites;

namespace Latchkey.Core.Storage;

/// <summary>Per-site email settings.</summary>
public interface ISiteEmailSettingsStore
{
    Task<SiteEmailSettings?> FindAsync(Guid siteId, CancellationToken cancellationToken);

    Task SaveAsync(SiteEmailSettings settings, CancellationToken cancellationToken);

    Task DeleteAsync(Guid siteId, CancellationToken cancellationToken);
}

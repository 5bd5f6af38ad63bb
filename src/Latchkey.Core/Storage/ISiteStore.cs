using Latchkey.Core.Sites;

namespace Latchkey.Core.Storage;

/// <summary>Sites and their policies.</summary>
public interface ISiteStore
{
    Task<Site?> FindAsync(Guid siteId, CancellationToken cancellationToken);

    Task<bool> AnyAsync(CancellationToken cancellationToken);

    Task AddAsync(Site site, CancellationToken cancellationToken);

    Task UpdateAsync(Site site, CancellationToken cancellationToken);
}

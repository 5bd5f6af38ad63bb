using Latchkey.Core.Clients;

namespace Latchkey.Core.Storage;

/// <summary>OAuth clients as Latchkey sees them, and API keys.</summary>
public interface IClientStore
{
    Task<SiteClient?> FindAsync(string clientId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SiteClient>> FindBySiteAsync(Guid siteId, CancellationToken cancellationToken);

    /// <summary>Every client of every site: the browser origins a preflight may come from (docs/cors.md).</summary>
    Task<IReadOnlyList<SiteClient>> ListAllAsync(CancellationToken cancellationToken);

    Task AddAsync(SiteClient client, CancellationToken cancellationToken);

    /// <summary>Saves changed allow-lists (the kind and site never change).</summary>
    Task UpdateAsync(SiteClient client, CancellationToken cancellationToken);

    Task<ApiKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken);

    Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken);
}

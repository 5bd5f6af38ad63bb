using Latchkey.Core.Storage;

namespace Latchkey.Core.Clients;

public static class SiteClients
{
    /// <summary>
    /// The client <paramref name="clientId"/> if it belongs to <paramref name="siteId"/>, else null: another site's
    /// client is as unknown as a client that does not exist (nothing crosses sites, docs/sites.md).
    /// </summary>
    public static async Task<SiteClient?> FindOfSiteAsync(this IClientStore clients, string? clientId, Guid siteId, CancellationToken cancellationToken) =>
        clientId is { Length: > 0 } && await clients.FindAsync(clientId, cancellationToken) is { } client && client.SiteId == siteId ? client : null;
}

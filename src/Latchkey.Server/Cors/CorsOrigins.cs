using System.Runtime.CompilerServices;
using Latchkey.Core.Clients;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Cors;

/// <summary>
/// Which sites allow a browser origin (docs/cors.md): an origin is allowed for a site when one of the site's clients
/// lists it in its allowed origins, or has a redirect URI on it (<see cref="SiteClient.AllowsOriginOf"/>, the rule
/// logout and web_message already follow). A preflight names no site, so it is answered for the union; the request
/// that follows is held to its own site (<see cref="BrowserOrigin.AllowsSite"/>).
/// </summary>
public sealed class CorsOrigins(IClientStore clients)
{
    // One index per list the (cached) store hands out: rebuilt only when the clients change or the cache expires.
    private static readonly ConditionalWeakTable<IReadOnlyList<SiteClient>, Dictionary<string, HashSet<Guid>>> Indexes = [];

    /// <summary>The sites that allow <paramref name="origin"/> (empty when none does, or it is not an http(s) origin).</summary>
    public async Task<IReadOnlySet<Guid>> SitesAllowingAsync(string origin, CancellationToken cancellationToken)
    {
        if (Normalize(origin) is not { } normalized)
        {
            return EmptySet;
        }

        var all = await clients.ListAllAsync(cancellationToken);
        var index = Indexes.GetValue(all, Build);
        return index.TryGetValue(normalized, out var sites) ? sites : EmptySet;
    }

    /// <summary><c>scheme://host[:port]</c> in lower case, default ports left out; null for anything else (<c>null</c>, paths).</summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrEmpty(origin) || origin.Length > 2048 ||
            !Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    private static readonly IReadOnlySet<Guid> EmptySet = new HashSet<Guid>();

    private static Dictionary<string, HashSet<Guid>> Build(IReadOnlyList<SiteClient> all)
    {
        var index = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
        foreach (var client in all)
        {
            foreach (var candidate in client.AllowedOrigins.Concat(client.RedirectUris.Select(OriginOf)))
            {
                if (Normalize(candidate) is { } origin)
                {
                    if (!index.TryGetValue(origin, out var sites))
                    {
                        index[origin] = sites = [];
                    }

                    sites.Add(client.SiteId);
                }
            }
        }

        return index;
    }

    private static string? OriginOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.GetLeftPart(UriPartial.Authority) : null;
}

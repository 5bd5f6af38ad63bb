namespace Latchkey.Core.Clients;
/// <summary>
/// Latchkey's view of an OAuth client: which site it belongs to and its allow-lists. The OAuth protocol data
/// (permissions, redirect URIs for the protocol) lives in OpenIddict's application record with the same client id.
/// </summary>
public sealed record SiteClient
{
    public required string ClientId { get; init; }
    public Guid SiteId { get; init; }
    public ClientKind Kind { get; init; }

    /// <summary>Exact redirect URIs for authorization redirects.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Origins for other redirects (logout) and the web_message target.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>An origin is allowed when it is listed, or when it is the origin of a listed redirect URI.</summary>
    public bool AllowsOriginOf(Uri uri)
    {
        var origin = uri.GetLeftPart(UriPartial.Authority);
        foreach (var allowed in AllowedOrigins)
        {
            if (string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var redirect in RedirectUris)
        {
            if (Uri.TryCreate(redirect, UriKind.Absolute, out var r) &&
                string.Equals(r.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

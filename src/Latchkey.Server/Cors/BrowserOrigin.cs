namespace Latchkey.Server.Cors;

/// <summary>
/// A cross-origin browser request whose origin some site allows (set by <see cref="CorsMiddleware"/>). Whatever later
/// learns the request's site (the caller's credential, the client id) holds the request to it: an origin allowed by
/// another site of this server gets <c>origin_not_allowed</c>.
/// </summary>
public sealed record BrowserOrigin(string Origin, IReadOnlySet<Guid> Sites)
{
    /// <summary>True for same-origin and non-browser requests, and for a browser origin that <paramref name="siteId"/> allows.</summary>
    public static bool AllowsSite(HttpContext context, Guid siteId) =>
        context.Features.Get<BrowserOrigin>() is not { } browser || browser.Sites.Contains(siteId);
}

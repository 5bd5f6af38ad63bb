using Latchkey.Core.SocialSignIn;
using Latchkey.Server.Http;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The browser's <see cref="PendingLink"/> for one site (docs/flows/social-sign-in.md#linking-after-a-sign-in): sealed,
/// HttpOnly, SameSite=Lax, named per site (<c>lk_link_{site}</c>, <c>__Host-</c> prefixed over HTTPS as the session
/// cookie is), so another site of the server cannot replace it. A browser-session cookie: closing the browser, signing
/// out, the sign-in that answers it, or <see cref="PendingLink.Lifetime"/> (sealed inside) ends it.
/// </summary>
public static class PendingLinkCookie
{
    public const string Prefix = "lk_link_";

    private static string NameFor(HttpRequest request, Guid siteId) => (request.IsHttps ? "__Host-" : "") + Prefix + siteId.ToString("N");

    public static void Set(HttpContext http, PendingLink link) =>
        http.Response.Cookies.Append(NameFor(http.Request, link.SiteId), http.RequestServices.GetRequiredService<PendingLinkSealer>().Seal(link),
            SessionCookie.Options(http.Request));

    /// <summary>The pending link of this browser for <paramref name="siteId"/>, or null (none, expired, tampered, another site's).</summary>
    public static PendingLink? Read(HttpContext http, Guid siteId) =>
        http.RequestServices.GetRequiredService<PendingLinkSealer>().Open(http.Request.Cookies[NameFor(http.Request, siteId)]) is { } link && link.SiteId == siteId
            ? link
            : null;

    public static void Clear(HttpContext http, Guid siteId)
    {
        if (http.Request.Cookies.ContainsKey(NameFor(http.Request, siteId)))
        {
            http.Response.Cookies.Delete(NameFor(http.Request, siteId), SessionCookie.Options(http.Request));
        }
    }

    /// <summary>Signing out ends every site's wait in this browser.</summary>
    public static void ClearAll(HttpContext http)
    {
        foreach (var name in http.Request.Cookies.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) || k.StartsWith("__Host-" + Prefix, StringComparison.Ordinal)))
        {
            http.Response.Cookies.Delete(name, SessionCookie.Options(http.Request));
        }
    }
}

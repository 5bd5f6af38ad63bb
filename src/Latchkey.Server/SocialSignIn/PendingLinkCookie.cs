using Latchkey.Core.SocialSignIn;
using Latchkey.Server.Http;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// The browser's <see cref="PendingLink"/>: sealed, HttpOnly, SameSite=Lax and named as the session cookie is
/// (<c>__Host-lk_link</c> over HTTPS, <c>lk_link</c> on plain loopback HTTP), so only this server's own pages set or
/// read it. It ends with the sign-in that links it, or after <see cref="PendingLink.Lifetime"/>.
/// </summary>
public static class PendingLinkCookie
{
    public const string Name = "lk_link";

    private static string NameFor(HttpRequest request) => request.IsHttps ? "__Host-" + Name : Name;

    public static void Set(HttpContext http, PendingLink link) =>
        http.Response.Cookies.Append(NameFor(http.Request), http.RequestServices.GetRequiredService<PendingLinkSealer>().Seal(link),
            SessionCookie.Options(http.Request, link.ExpiresAt));

    /// <summary>The pending link of this browser for <paramref name="siteId"/>, or null (none, expired, tampered, another site's).</summary>
    public static PendingLink? Read(HttpContext http, Guid siteId) =>
        http.RequestServices.GetRequiredService<PendingLinkSealer>().Open(http.Request.Cookies[NameFor(http.Request)]) is { } link && link.SiteId == siteId
            ? link
            : null;

    public static void Clear(HttpContext http)
    {
        if (http.Request.Cookies.ContainsKey(NameFor(http.Request)))
        {
            http.Response.Cookies.Delete(NameFor(http.Request), SessionCookie.Options(http.Request));
        }
    }
}

namespace Latchkey.Server.Http;

/// <summary>
/// The browser session cookie (docs/wire/oauth.md#session-cookie): HttpOnly, SameSite=Lax, Secure except on plain
/// loopback HTTP, holding 256 random bits whose digest identifies the member session. Over HTTPS it is
/// <c>__Host-lk_session</c> (issue #21): the prefix makes browsers refuse it unless it is Secure, has <c>Path=/</c> and
/// no <c>Domain</c>, so no sibling host or plain-HTTP page can set or shadow it. Plain HTTP (local development) keeps
/// <c>lk_session</c>.
/// </summary>
public static class SessionCookie
{
    public const string Name = "lk_session";

    public const string HostName = "__Host-" + Name;

    /// <summary>The cookie's name for this request: prefixed over HTTPS.</summary>
    public static string NameFor(HttpRequest request) => request.IsHttps ? HostName : Name;

    /// <summary>The session cookie the browser sent: the prefixed one over HTTPS, else the plain one.</summary>
    public static string? Read(HttpRequest request) =>
        request.IsHttps ? request.Cookies[HostName] ?? request.Cookies[Name] : request.Cookies[Name];

    public static CookieOptions Options(HttpRequest request, DateTimeOffset? expires = null) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = request.IsHttps || !IsLoopback(request),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    public static void Set(HttpResponse response, HttpRequest request, string value, DateTimeOffset expires) =>
        response.Cookies.Append(NameFor(request), value, Options(request, expires));

    public static void Clear(HttpResponse response, HttpRequest request)
    {
        response.Cookies.Delete(NameFor(request), Options(request));
        if (request.IsHttps && request.Cookies.ContainsKey(Name))
        {
            response.Cookies.Delete(Name, Options(request));
        }
    }

    private static bool IsLoopback(HttpRequest request) =>
        request.HttpContext.Connection.RemoteIpAddress is { } address ? System.Net.IPAddress.IsLoopback(address) : request.Host.Host is "localhost" or "127.0.0.1";
}

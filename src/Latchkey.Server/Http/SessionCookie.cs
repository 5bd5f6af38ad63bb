namespace Latchkey.Server.Http;

/// <summary>
/// The browser session cookie (decisions §4): HttpOnly, SameSite=Lax, Secure except on plain loopback HTTP, holding
/// 256 random bits whose digest identifies the member session.
/// </summary>
public static class SessionCookie
{
    public const string Name = "lk_session";

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
        response.Cookies.Append(Name, value, Options(request, expires));

    public static void Clear(HttpResponse response, HttpRequest request) =>
        response.Cookies.Delete(Name, Options(request));

    private static bool IsLoopback(HttpRequest request) =>
        request.HttpContext.Connection.RemoteIpAddress is { } address ? System.Net.IPAddress.IsLoopback(address) : request.Host.Host is "localhost" or "127.0.0.1";
}

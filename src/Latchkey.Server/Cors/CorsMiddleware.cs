using System.Globalization;
using Latchkey.Core.Errors;
using Latchkey.Server.Wire;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Server.Cors;

/// <summary>
/// Cross-origin requests from browsers (docs/cors.md). The Wix SDK runs on the site's own origin and calls Latchkey
/// on another, so every endpoint a browser calls answers CORS for the origins the site's clients allow:
/// <list type="bullet">
/// <item>a preflight from an allowed origin gets the methods and headers the SDK sends, cached for two hours (the most
/// Chromium keeps); from any other origin, 403 without CORS headers, so the browser never sends the request;</item>
/// <item>a request from an allowed origin gets <c>Access-Control-Allow-Origin</c> for that exact origin and
/// <c>x-wix-request-id</c> exposed; credentials only where a cookie is meant (<c>createSessionCookie</c>);</item>
/// <item>a state-changing request from any other origin is refused with <c>origin_not_allowed</c> before it runs, since
/// a form post or a <c>text/plain</c> fetch reaches the server without a preflight.</item>
/// </list>
/// Admin endpoints, metrics, health and the API reference are server-to-server: no CORS headers, and a state-changing
/// request from a foreign browser origin is refused. The hosted pages are Latchkey's own origin; their forms carry
/// CSRF tokens, so they are left alone here.
/// </summary>
public static class CorsMiddleware
{
    /// <summary>Chromium caps a preflight cache entry at two hours; a longer value would be cut to this anyway.</summary>
    public const int MaxAgeSeconds = 7200;

    public const string AllowedMethods = "GET, POST, PUT, PATCH, DELETE";

    /// <summary>What the Wix SDK and a plain <c>fetch</c> send; any <c>x-wix-*</c> header is allowed as well.</summary>
    private static readonly string[] AllowedHeaders = ["authorization", "content-type", "accept", "accept-language", "content-language", "cache-control", "pragma"];

    private const string ExposedHeaders = "x-wix-request-id, retry-after";

    private static readonly string[] ServerToServer =
        ["/admin/", "/metrics", "/health/", "/openapi/", "/api-reference", "/oauth2/introspect", "/_api/oauth2/introspect", "/iam/signon/", "/_api/iam/signon/"];

    /// <summary>Navigations, not fetches: authorize (a redirect, or the web_message page in an iframe) and the hosted pages.</summary>
    private static readonly string[] HostedPages = ["/oauth2/authorize", "/_api/oauth2/authorize", "/recovery/reset-password", "/_latchkey/"];

    /// <summary>OpenIddict's endpoints answer in RFC 6749 bodies, Latchkey's own in RFC 9457; a refusal speaks the same way.</summary>
    private static readonly string[] OAuthEndpoints =
        ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/jwks", "/oauth2/user-info", "/_api/oauth2/token", "/_api/oauth2/introspect",
         "/_api/oauth2/revoke", "/_api/oauth2/jwks", "/_api/oauth2/user-info", "/.well-known/"];

    private static readonly string[] OwnEndpoints = ["/admin/", "/mfa/", "/_api/latchkey/"];

    private static readonly string[] WithCredentials = ["/_api/iam/cookie/v1/createSessionCookie", "/iam/cookie/v1/createSessionCookie"];

    public static WebApplication UseLatchkeyCors(this WebApplication app)
    {
        app.Use(HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var path = context.Request.Path.Value ?? "/";
        if (origin.Length == 0 || StartsWithAny(path, HostedPages) || IsSameOrigin(context, origin))
        {
            await next(context);
            return;
        }

        var preflight = HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey("Access-Control-Request-Method");
        var sites = StartsWithAny(path, ServerToServer)
            ? null
            : await context.RequestServices.GetRequiredService<CorsOrigins>().SitesAllowingAsync(origin, context.RequestAborted);
        if (sites is not { Count: > 0 })
        {
            if (preflight || !IsSafe(context.Request.Method))
            {
                // No CORS headers: the browser blocks the page from reading this answer, and the request did nothing.
                await RefuseAsync(context, path, sites is null
                    ? "This endpoint is for servers, not browsers."
                    : $"The origin {Shorten(origin)} is not an allowed origin of any client; add it to the site's client (allowedOrigins).");
                return;
            }

            await next(context);
            return;
        }

        var credentials = StartsWithAny(path, WithCredentials);
        var headers = context.Response.Headers;
        headers.Vary = "Origin";
        headers.AccessControlAllowOrigin = origin;
        if (credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (preflight)
        {
            headers.Append("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
            headers.AccessControlAllowMethods = AllowedMethods;
            if (AllowedRequestHeaders(context.Request.Headers.AccessControlRequestHeaders) is { } allowed)
            {
                headers.AccessControlAllowHeaders = allowed;
            }

            headers.AccessControlMaxAge = MaxAgeSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        headers.AccessControlExposeHeaders = ExposedHeaders;
        context.Features.Set(new BrowserOrigin(origin, sites));
        // Error handling clears the response headers of a failed request; CORS headers must survive it, or the page
        // could not read the error. OnStarting runs after any clearing.
        context.Response.OnStarting(static state =>
        {
            var (response, allowOrigin, withCredentials) = ((HttpResponse, string, bool))state;
            var h = response.Headers;
            h.AccessControlAllowOrigin = allowOrigin;
            h.AccessControlExposeHeaders = ExposedHeaders;
            if (!h.Vary.Contains("Origin"))
            {
                h.Append("Vary", "Origin");
            }

            if (withCredentials)
            {
                h.AccessControlAllowCredentials = "true";
            }

            return Task.CompletedTask;
        }, (context.Response, origin, credentials));
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, string path, string detail)
    {
        var error = LatchkeyErrors.OriginNotAllowed.WithDetail(detail);
        if (StartsWithAny(path, OAuthEndpoints))
        {
            context.Response.StatusCode = error.Status;
            return context.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidRequest,
                ["error_description"] = $"{detail} ({error.Code}, docs/errors/{error.Code}.md)",
            });
        }

        return (StartsWithAny(path, OwnEndpoints) ? Problems.ToResult(error) : WixErrors.ToResult(error)).ExecuteAsync(context);
    }

    /// <summary>The requested headers, echoed when every one is allowed; null when one is not (the browser then refuses).</summary>
    private static string? AllowedRequestHeaders(StringValues requested)
    {
        var names = requested.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!name.StartsWith("x-wix-", StringComparison.OrdinalIgnoreCase) &&
                !AllowedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return names.Length == 0 ? null : string.Join(", ", names).ToLowerInvariant();
    }

    /// <summary>
    /// Latchkey's own pages. TLS usually ends in front of Latchkey, so the scheme is not compared: host and port as the
    /// browser addressed them, or the configured public base URL.
    /// </summary>
    private static bool IsSameOrigin(HttpContext context, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var configured = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Latchkey.Server.Configuration.LatchkeyOptions>>().Value.PublicBaseUrl;
        return configured is { Length: > 0 } && Uri.TryCreate(configured, UriKind.Absolute, out var own) &&
            string.Equals(own.GetLeftPart(UriPartial.Authority), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>A prefix ending in <c>/</c> covers everything under it; any other covers itself and what is under it.</summary>
    private static bool StartsWithAny(string path, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
                (prefix.EndsWith('/') || path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    private static string Shorten(string origin) => origin.Length > 100 ? origin[..100] + "…" : origin;
}

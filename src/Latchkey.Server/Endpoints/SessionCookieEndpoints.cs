using Latchkey.Core.Errors;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>createSessionCookie</c> (docs/wire/authentication.md#using-a-session-token, docs/wire/oauth.md#session-cookie):
/// redeems a session token into a browser session whose cookie "acts as a refresh token": with it, <c>prompt=none</c>
/// authorize issues codes without a session token. It sets a cookie, so another site must not be able to call it from a
/// browser (issue #21): the body must be sent as JSON (a <c>text/plain</c> body is a "simple" cross-site request that
/// needs no preflight), and an <c>Origin</c>, when the browser sends one, must be an allowed origin of one of the
/// token's site's clients or Latchkey's own. Both are checked before the token is spent. The CORS middleware
/// (docs/cors.md) has already refused origins no site allows; this check adds the token's own site, which only the
/// token names.
/// </summary>
public static class SessionCookieEndpoints
{
    public sealed record CreateSessionCookieRequest(string? SessionToken, bool? ProtectedPages);

    public static void MapSessionCookieEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(["/_api/iam/cookie/v1/createSessionCookie", "/iam/cookie/v1/createSessionCookie"], "", CreateAsync, "CreateSessionCookie")
            .Wix<CreateSessionCookieRequest, ApiDocs.EmptyObject>(ApiDocs.WixAuthentication, "Turn a session token into the lk_session cookie");
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, SessionService sessions, ISessionTokenStore tokens, IClientStore clients, TokenHasher hasher, PublicBaseUrl baseUrl,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IsJson(http.Request.ContentType))
        {
            return WixErrors.ToResult(LatchkeyErrors.UnsupportedMediaType.WithDetail("createSessionCookie takes an application/json body."));
        }

        var body = await RequestBody.ReadAsync<CreateSessionCookieRequest>(http.Request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var sessionToken = body.Value.SessionToken;
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !string.IsNullOrEmpty(sessionToken) && sessionToken.Length <= 200 &&
            await tokens.FindSiteAsync(hasher.Hash(sessionToken), clock.GetUtcNow(), cancellationToken) is { } siteId &&
            !await AllowsAsync(http.Request, origin, siteId, clients, baseUrl, cancellationToken))
        {
            return WixErrors.ToResult(LatchkeyErrors.OriginNotAllowed.WithDetail(
                $"Origin '{origin}' is not an allowed origin of the session token's site; the session cookie is set only for its clients."));
        }

        // The session token names its site, and it is single use: no other credential is needed.
        var redeemed = await sessions.RedeemAsync(null, sessionToken, withCookie: true, cancellationToken);
        if (!redeemed.IsSuccess)
        {
            return WixErrors.ToResult(redeemed.Error);
        }

        SessionCookie.Set(http.Response, http.Request, redeemed.Value.Cookie!, redeemed.Value.Session.ExpiresAt);
        return WixResults.Ok(new ApiDocs.EmptyObject());
    }

    /// <summary><c>application/json</c> or any <c>+json</c> type, as a browser can send only with a CORS preflight.</summary>
    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        media.MediaType.Value is { } type &&
        (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<bool> AllowsAsync(
        HttpRequest request, string origin, Guid siteId, IClientStore clients, PublicBaseUrl baseUrl, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var own = new[] { $"{request.Scheme}://{request.Host}", baseUrl.For(request) };
        if (own.Any(o => string.Equals(o.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return (await clients.FindBySiteAsync(siteId, cancellationToken)).Any(client => client.AllowsOriginOf(uri));
    }
}

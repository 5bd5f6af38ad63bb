using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>createSessionCookie</c> (docs/wire/authentication.md#using-a-session-token, docs/wire/oauth.md#session-cookie):
/// redeems a session token into a browser session whose cookie "acts as a refresh token": with it, <c>prompt=none</c>
/// authorize issues codes without a session token. It sets a cookie, so another site must not be able to call it from a
/// browser (issue #21): the body must be sent as JSON (a <c>text/plain</c> body is a "simple" cross-site request that
/// needs no preflight), and an <c>Origin</c> must be one the token's site allows (<see cref="SessionCookieIssuer"/>).
/// Both are checked before the token is spent.
/// </summary>
public static class SessionCookieEndpoints
{
    public sealed record CreateSessionCookieRequest(string? SessionToken, bool? ProtectedPages);

    public static void MapSessionCookieEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(["/_api/iam/cookie/v1/createSessionCookie", "/iam/cookie/v1/createSessionCookie"], "", CreateAsync, "CreateSessionCookie")
            .RequireJsonContentType("createSessionCookie takes an application/json body.")
            .Wix(ApiDocs.WixAuthentication, "Turn a session token into the lk_session cookie");
    }

    private static async Task<ApiResult<ApiDocs.EmptyObject>> CreateAsync(
        JsonBody<CreateSessionCookieRequest> body, HttpContext http, SessionCookieIssuer issuer, CancellationToken cancellationToken) =>
        ApiResult.From(await issuer.IssueAsync(http, body.Value.SessionToken, cancellationToken), _ => new ApiDocs.EmptyObject());
}

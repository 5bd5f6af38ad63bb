using Latchkey.Core.Sessions;
using Latchkey.Server.Http;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>createSessionCookie</c> (contract §3.8, decisions §4): redeems a session token into a browser session whose
/// cookie "acts as a refresh token": with it, <c>prompt=none</c> authorize issues codes without a session token.
/// </summary>
public static class SessionCookieEndpoints
{
    public sealed record CreateSessionCookieRequest(string? SessionToken, bool? ProtectedPages);

    public static void MapSessionCookieEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(["/_api/iam/cookie/v1/createSessionCookie", "/iam/cookie/v1/createSessionCookie"], "", CreateAsync, "CreateSessionCookie")
            .Wix<CreateSessionCookieRequest, ApiDocs.EmptyObject>(ApiDocs.WixAuthentication, "Turn a session token into the lk_session cookie");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SessionService sessions, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<CreateSessionCookieRequest>(http.Request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error!);
        }

        // The session token names its site, and it is single use: no other credential is needed.
        var redeemed = await sessions.RedeemAsync(null, body.Value!.SessionToken, withCookie: true, cancellationToken);
        if (!redeemed.IsSuccess)
        {
            return WixErrors.ToResult(redeemed.Error!);
        }

        SessionCookie.Set(http.Response, http.Request, redeemed.Value!.Cookie!, redeemed.Value.Session.ExpiresAt);
        return WixResults.Ok(new ApiDocs.EmptyObject());
    }
}

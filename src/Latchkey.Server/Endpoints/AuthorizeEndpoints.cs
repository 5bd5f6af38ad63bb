using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Latchkey.Server.HostedPages;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/oauth2/authorize</c> (docs/wire/oauth.md#authorize-rules). OpenIddict has already validated the client, redirect
/// URI, response type and PKCE challenge; this decides who the member is: a session token (single use), else the
/// browser session cookie, else <c>login_required</c> for <c>prompt=none</c> or the hosted login page.
/// </summary>
public static class AuthorizeEndpoints
{
    public static void MapAuthorizeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(["/oauth2/authorize", "/_api/oauth2/authorize"], "", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync, "Authorize")
            .WithTags(ApiDocs.OAuth)
            .WithSummary("OAuth 2.0 authorization endpoint (code + PKCE S256): a session token, the session cookie or the hosted login page")
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext http, IClientStore clients, SessionService sessions, HostedFlow hosted, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("OpenIddict did not extract the authorization request.");
        var client = await clients.FindAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict accepted a client that Latchkey does not know.");

        var sessionToken = (string?)request["session_token"];
        if (!string.IsNullOrEmpty(sessionToken))
        {
            var redeemed = await sessions.RedeemAsync(client.SiteId, sessionToken, withCookie: false, cancellationToken);
            return redeemed.IsSuccess
                ? SignIn(request, redeemed.Value)
                : Forbid(Errors.InvalidRequest, "The session token is unknown, expired, already used, or for another site.");
        }

        if (await sessions.FromCookieAsync(client.SiteId, SessionCookie.Read(http.Request), cancellationToken) is { } browser &&
            !request.HasPromptValue(PromptValues.Login))
        {
            return SignIn(request, browser);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Forbid(Errors.LoginRequired, "No session token was given and the browser has no session.");
        }

        // The hosted sign-in page: the request was validated above, so its query names a real client of a real site.
        return await hosted.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is { } context
            ? SignInPage.Render(context, error: null)
            : Forbid(Errors.InvalidRequest, "The client's site is gone.");
    }

    internal static IResult SignIn(OpenIddictRequest request, RedeemedSession session) =>
        Results.SignIn(
            MemberPrincipal.Create(session.Member, session.Session, request.GetScopes()),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

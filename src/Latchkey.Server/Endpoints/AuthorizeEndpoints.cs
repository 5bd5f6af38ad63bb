using Latchkey.Core.Features.Authorize;
using Latchkey.Core.Sessions;
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
/// URI, response type and PKCE challenge; <see cref="AuthorizeMember"/> decides who the member is, and this answers in
/// OpenIddict's terms: a sign-in (the code), a refusal, or the hosted login page.
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

    private static async Task<IResult> AuthorizeAsync(HttpContext http, AuthorizeMember step, HostedFlow hosted, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("OpenIddict did not extract the authorization request.");
        var decision = await step.HandleAsync(new AuthorizeInput(request.ClientId!, (string?)request["session_token"], SessionCookie.Read(http.Request),
            request.HasPromptValue(PromptValues.Login), request.HasPromptValue(PromptValues.None)), cancellationToken);
        return decision.Next switch
        {
            AuthorizeNext.SignIn => SignIn(request, decision.Session!),
            AuthorizeNext.SessionTokenRefused => Forbid(Errors.InvalidRequest, "The session token is unknown, expired, already used, or for another site."),
            AuthorizeNext.LoginRequired => Forbid(Errors.LoginRequired, "No session token was given and the browser has no session."),
            _ => await SignInPageAsync(http, hosted, cancellationToken),
        };
    }

    /// <summary>The hosted sign-in page: the request was validated above, so its query names a real client of a real site.</summary>
    private static async Task<IResult> SignInPageAsync(HttpContext http, HostedFlow hosted, CancellationToken cancellationToken) =>
        await hosted.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is { } context
            ? SignInPage.Render(context, error: null)
            : Forbid(Errors.InvalidRequest, "The client's site is gone.");

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

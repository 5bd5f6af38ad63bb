using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Logout;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.HostedPages;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Logout (docs/wire/authentication.md#logout, docs/wire/oauth.md#logout): a browser navigation. Clears the session
/// cookie and redirects only to an allow-listed origin; anything else is 400 with no <c>Location</c>.
/// </summary>
public static class LogoutEndpoints
{
    public static void MapLogoutEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(WixRoutes.Authentication, "/v1/logout", LogOutAsync, "Logout")
            .WithTags(ApiDocs.WixAuthentication)
            .WithSummary("End the browser session; redirect to an allow-listed postLogoutRedirectUri or show the signed-out page")
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .Produces<WixErrorBody>(StatusCodes.Status400BadRequest, "application/json");

    private static async Task<IResult> LogOutAsync(
        HttpContext http, IClientStore clients, ISiteStore sites, SessionService sessions, string? postLogoutRedirectUri, string? clientId,
        CancellationToken cancellationToken)
    {
        SiteClient? client = null;
        if (!string.IsNullOrEmpty(clientId))
        {
            client = await clients.FindAsync(clientId, cancellationToken);
            if (client is null)
            {
                return WixErrors.ToResult(LatchkeyErrors.ClientNotFound.WithDetail($"No OAuth client has clientId '{clientId}'."));
            }
        }

        var redirect = LogoutRedirect.Check(postLogoutRedirectUri, client);
        if (!redirect.IsSuccess)
        {
            return WixErrors.ToResult(redirect.Error);
        }

        // Ending the browser session ends its tokens too: refresh and member calls check the session (RequireLiveSession).
        await sessions.EndByCookieAsync(SessionCookie.Read(http.Request), cancellationToken);
        SessionCookie.Clear(http.Response, http.Request);
        return redirect.Value is { } uri
            ? Results.Redirect(uri.AbsoluteUri)
            : SignedOutPage.Render(http, client is null ? null : await sites.FindAsync(client.SiteId, cancellationToken));
    }
}

using Latchkey.Core.Features.Logout;
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
        HttpContext http, LogOutBrowser step, string? postLogoutRedirectUri, string? clientId, CancellationToken cancellationToken)
    {
        var target = await step.HandleAsync(new LogoutInput(clientId, postLogoutRedirectUri, SessionCookie.Read(http.Request)), cancellationToken);
        if (!target.IsSuccess)
        {
            return WixErrors.ToResult(target.Error);
        }

        SessionCookie.Clear(http.Response, http.Request);
        PendingLinkCookie.ClearAll(http);
        return target.Value.Redirect is { } uri ? Results.Redirect(uri.AbsoluteUri) : SignedOutPage.Render(http, target.Value.Site);
    }
}

using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Logout;

/// <summary>A logout navigation: the client whose allow-list holds the redirect, the redirect, the browser's session cookie.</summary>
public sealed record LogoutInput(string? ClientId, string? PostLogoutRedirectUri, string? SessionCookie);

/// <summary>
/// Where a logout leads: to <see cref="Redirect"/>, or else to the signed-out page in <see cref="Site"/>'s branding
/// (Latchkey's own when no client was named).
/// </summary>
public sealed record LogoutTarget(Uri? Redirect, Site? Site);

/// <summary>
/// Logout (docs/wire/authentication.md#logout, docs/wire/oauth.md#logout): ends the browser session and decides where
/// to go. The redirect is checked first (<see cref="ClientRedirect"/>), so a refused one ends nothing.
/// </summary>
public sealed class LogOutBrowser(IClientStore clients, ISiteStore sites, SessionService sessions)
{
    public async Task<Result<LogoutTarget>> HandleAsync(LogoutInput input, CancellationToken cancellationToken)
    {
        SiteClient? client = null;
        if (!string.IsNullOrEmpty(input.ClientId) && (client = await clients.FindAsync(input.ClientId, cancellationToken)) is null)
        {
            return LatchkeyErrors.ClientNotFound.WithDetail($"No OAuth client has clientId '{input.ClientId}'.");
        }

        var redirect = ClientRedirect.Check(input.PostLogoutRedirectUri, client, "postLogoutRedirectUri");
        if (!redirect.IsSuccess)
        {
            return redirect.Error;
        }

        // Ending the browser session ends its tokens too: refresh and member calls check the session (RequireLiveSession).
        await sessions.EndByCookieAsync(input.SessionCookie, cancellationToken);
        return new LogoutTarget(redirect.Value, redirect.Value is null && client is not null ? await sites.FindAsync(client.SiteId, cancellationToken) : null);
    }
}

using Latchkey.Core.Clients;
using Latchkey.Core.Errors;

namespace Latchkey.Core.Features.Logout;

/// <summary>
/// Logout redirects go only to an origin on the client's allow-list (docs/wire/oauth.md#logout); anything else is
/// refused with 400 and no redirect, so Latchkey is never an open redirector.
/// </summary>
public static class LogoutRedirect
{
    public static Result<Uri?> Check(string? postLogoutRedirectUri, SiteClient? client)
    {
        if (string.IsNullOrEmpty(postLogoutRedirectUri))
        {
            return (Uri?)null;
        }

        if (!Uri.TryCreate(postLogoutRedirectUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return LatchkeyErrors.Validation(new FieldViolation(
                "postLogoutRedirectUri", "postLogoutRedirectUri must be an absolute http(s) URL.", "FORMAT", "URL"));
        }

        if (client is null)
        {
            return LatchkeyErrors.RedirectNotAllowed.WithDetail("A postLogoutRedirectUri needs the clientId whose allow-list contains it.");
        }

        return client.AllowsOriginOf(uri)
            ? uri
            : LatchkeyErrors.RedirectNotAllowed.WithDetail($"The origin of postLogoutRedirectUri is not allowed for client {client.ClientId}.");
    }
}

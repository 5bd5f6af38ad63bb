using Latchkey.Core.Errors;

namespace Latchkey.Core.Clients;

/// <summary>
/// A redirect Latchkey makes back to a site after logout or the login intent goes only to an origin on the client's
/// allow-list (docs/wire/oauth.md#logout, docs/wire/redirects.md#login-intent); anything else is refused with 400 and
/// no redirect, so Latchkey is never an open redirector. The check names the URL by its field in the error.
/// </summary>
public static class ClientRedirect
{
    /// <summary>Wix's limit on a redirect session's callbacks; a return address needs no more.</summary>
    public const int MaxLength = 2048;

    public static Result<Uri?> Check(string? url, SiteClient? client, string field)
    {
        if (string.IsNullOrEmpty(url))
        {
            return (Uri?)null;
        }

        if (url.Length > MaxLength)
        {
            return LatchkeyErrors.Validation(new FieldViolation(field, $"{field} must be at most {MaxLength} characters.", "MAX_LENGTH", "URL"));
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return LatchkeyErrors.Validation(new FieldViolation(field, $"{field} must be an absolute http(s) URL.", "FORMAT", "URL"));
        }

        if (client is null)
        {
            return LatchkeyErrors.RedirectNotAllowed.WithDetail($"A {field} needs the clientId whose allow-list contains it.");
        }

        return client.AllowsOriginOf(uri)
            ? uri
            : LatchkeyErrors.RedirectNotAllowed.WithDetail($"The origin of {field} is not allowed for client {client.ClientId}.");
    }
}

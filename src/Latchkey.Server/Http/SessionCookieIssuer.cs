using Latchkey.Core.Errors;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Server.Http;

/// <summary>
/// <c>createSessionCookie</c>'s work (docs/wire/oauth.md#session-cookie): redeems a session token into a browser session
/// and sets its <see cref="SessionCookie"/>. An <c>Origin</c>, when the browser sends one, must be an allowed origin of
/// one of the token's site's clients or Latchkey's own, checked before the token is spent (issue #21). The CORS
/// middleware (docs/cors.md) has already refused origins no site allows; this check adds the token's own site, which
/// only the token names.
/// </summary>
public sealed class SessionCookieIssuer(
    SessionService sessions, ISessionTokenStore tokens, IClientStore clients, TokenHasher hasher, PublicBaseUrl baseUrl, TimeProvider clock)
{
    public async Task<Result<MemberSession>> IssueAsync(HttpContext http, string? sessionToken, CancellationToken cancellationToken)
    {
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !string.IsNullOrEmpty(sessionToken) && sessionToken.Length <= 200 &&
            await tokens.FindSiteAsync(hasher.Hash(sessionToken), clock.GetUtcNow(), cancellationToken) is { } siteId &&
            !await AllowsAsync(http.Request, origin, siteId, cancellationToken))
        {
            return LatchkeyErrors.OriginNotAllowed.WithDetail(
                $"Origin '{origin}' is not an allowed origin of the session token's site; the session cookie is set only for its clients.");
        }

        // The session token names its site, and it is single use: no other credential is needed.
        var redeemed = await sessions.RedeemAsync(null, sessionToken, withCookie: true, cancellationToken);
        if (!redeemed.IsSuccess)
        {
            return redeemed.Error;
        }

        SessionCookie.Set(http.Response, http.Request, redeemed.Value.Cookie!, redeemed.Value.Session.ExpiresAt);
        return redeemed.Value.Session;
    }

    private async Task<bool> AllowsAsync(HttpRequest request, string origin, Guid siteId, CancellationToken cancellationToken)
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

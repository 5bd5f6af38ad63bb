using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Cors;
using OpenIddict.Abstractions;

namespace Latchkey.Server.Callers;

/// <summary>
/// Reads the <c>Authorization</c> header in every form the wire allows (docs/wire/conventions.md#request-headers): a
/// bare token, <c>Bearer &lt;token&gt;</c>, and the SDK's <c>&lt;accessToken&gt;,&lt;apiKey&gt;</c> pair. Access
/// tokens are checked by <see cref="AccessTokens"/>; API keys are looked up by their digest.
/// </summary>
public sealed class CallerResolver(AccessTokens accessTokens, IClientStore clients, ISiteStore sites, TokenHasher hasher)
{
    public async Task<Result<Caller>> ResolveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await ResolveCredentialAsync(request, cancellationToken);
        // A browser origin allowed by another site of this server may not act on this one (docs/cors.md).
        return caller.IsSuccess && !BrowserOrigin.AllowsSite(request.HttpContext, caller.Value.Site.Id)
            ? LatchkeyErrors.OriginNotAllowed.WithDetail("This browser origin is not an allowed origin of this site's clients.")
            : caller;
    }

    private async Task<Result<Caller>> ResolveCredentialAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString().Trim();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            header = header[7..].Trim();
        }

        if (header.Length == 0)
        {
            return LatchkeyErrors.Unauthenticated.WithDetail("Send a visitor or member access token (or an API key) in the Authorization header.");
        }

        string? accessToken = null;
        string? apiKey = null;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith(ApiKey.Prefix, StringComparison.Ordinal))
            {
                apiKey = part;
            }
            else
            {
                accessToken = part;
            }
        }

        if (apiKey is not null)
        {
            return await FromApiKeyAsync(apiKey, cancellationToken);
        }

        return accessToken is null
            ? LatchkeyErrors.Unauthenticated.WithDetail("The Authorization header holds no token.")
            : await FromAccessTokenAsync(accessToken, cancellationToken);
    }

    private async Task<Result<Caller>> FromApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        var key = await clients.FindApiKeyAsync(hasher.Hash(apiKey), cancellationToken);
        if (key is null)
        {
            return LatchkeyErrors.Unauthenticated.WithDetail("The API key is unknown or revoked.");
        }

        var site = await sites.FindAsync(key.SiteId, cancellationToken);
        return site is null ? LatchkeyErrors.SiteNotFound : new Caller(site, null, null, key);
    }

    private async Task<Result<Caller>> FromAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (await accessTokens.ValidateAsync(token, cancellationToken) is not { } accessToken)
        {
            return LatchkeyErrors.Unauthenticated.WithDetail("The access token is invalid or expired; get a new one from /oauth2/token.");
        }

        if (accessToken.SiteId is not { } siteId || await sites.FindAsync(siteId, cancellationToken) is not { } site)
        {
            return LatchkeyErrors.SiteNotFound;
        }

        if (!accessToken.Live)
        {
            return LatchkeyErrors.Unauthenticated.WithDetail("The member's session has ended; sign in again.");
        }

        return new Caller(site, accessToken.Subject, accessToken.Role, null)
        {
            ClientId = accessToken.Principal.GetClaim(OpenIddictConstants.Claims.ClientId),
            SessionId = accessToken.SessionId,
        };
    }
}

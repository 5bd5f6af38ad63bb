using System.Security.Claims;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// <c>grantType=anonymous</c> (docs/wire/oauth.md#token-endpoint): a new visitor identity with access and refresh
/// tokens. Visitor tokens are self-contained (docs/tokens.md#visitors: a flood of anonymous requests must not grow the
/// database), so the sign-in is marked stateless and <see cref="StatelessVisitorTokens"/> keeps OpenIddict from writing
/// rows for it.
/// </summary>
public sealed class AnonymousGrant(IClientStore clients) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public const string GrantType = "anonymous";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<AnonymousGrant>()
            .SetOrder(OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (context.Request.GrantType != GrantType)
        {
            return;
        }

        if (string.IsNullOrEmpty(context.Request.ClientId) ||
            await clients.FindAsync(context.Request.ClientId, context.CancellationToken) is not { } client)
        {
            context.Reject(Errors.InvalidClient, "The anonymous grant needs a known clientId.");
            return;
        }

        context.SignIn(VisitorPrincipal(client.SiteId));
    }

    /// <summary>A new visitor of <paramref name="siteId"/>: its own subject, every claim for the access token.</summary>
    public static ClaimsPrincipal VisitorPrincipal(Guid siteId)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, LatchkeyClaims.Role);
        identity.SetClaim(Claims.Subject, Guid.CreateVersion7().ToString());
        identity.SetClaim(LatchkeyClaims.Site, siteId.ToString());
        identity.SetClaim(LatchkeyClaims.Role, LatchkeyClaims.VisitorRole);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(Scopes.OfflineAccess);
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        return principal;
    }
}

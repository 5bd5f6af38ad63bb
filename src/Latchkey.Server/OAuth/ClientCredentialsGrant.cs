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
/// <c>client_credentials</c> for confidential clients (OpenIddict has authenticated the secret): the client acts for
/// itself, in its site, with role <c>client</c>.
/// </summary>
public sealed class ClientCredentialsGrant(IClientStore clients) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public const string ClientRole = "client";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<ClientCredentialsGrant>()
            .SetOrder(OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType())
        {
            return;
        }

        if (await clients.FindAsync(context.Request.ClientId!, context.CancellationToken) is not { } client)
        {
            context.Reject(Errors.InvalidClient, "The client is not registered with a site.");
            return;
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, LatchkeyClaims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetClaim(LatchkeyClaims.Site, client.SiteId.ToString());
        identity.SetClaim(LatchkeyClaims.Role, ClientRole);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(context.Request.GetScopes());
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(principal);
    }
}

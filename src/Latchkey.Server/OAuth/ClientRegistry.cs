using Latchkey.Core.Clients;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.OAuth;

/// <summary>What a new client is: its kind (refresh policy), whether it holds a secret, and its allow-lists.</summary>
public sealed record ClientRegistration(
    Guid SiteId, ClientKind Kind, bool Confidential, string DisplayName, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> AllowedOrigins);

/// <summary>A created client; the secret is shown once (OpenIddict stores only its hash).</summary>
public sealed record RegisteredClient(string ClientId, string? ClientSecret);

/// <summary>
/// Creates an OAuth client in both places it lives: OpenIddict's application (protocol permissions, redirect URIs,
/// secret hash) and Latchkey's <see cref="SiteClient"/> (site, kind, allowed origins), under one client id.
/// </summary>
public sealed class ClientRegistry(IOpenIddictApplicationManager applications, IClientStore clients, TimeProvider clock)
{
    public async Task<RegisteredClient> CreateAsync(ClientRegistration registration, CancellationToken cancellationToken)
    {
        var clientId = Guid.CreateVersion7().ToString();
        var secret = registration.Confidential ? SecretGenerator.NewToken() : null;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = registration.Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            DisplayName = registration.DisplayName,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Revocation,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.Prefixes.GrantType + AnonymousGrant.GrantType,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (registration.Kind == ClientKind.WixSdk)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + AuthorizedClientGrant.GrantType);
            descriptor.Settings[Settings.TokenLifetimes.RefreshToken] =
                OpenIddictSetup.StableRefreshTokenLifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (registration.Confidential)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        foreach (var uri in registration.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        await applications.CreateAsync(descriptor, cancellationToken);
        await clients.AddAsync(new SiteClient
        {
            ClientId = clientId,
            SiteId = registration.SiteId,
            Kind = registration.Kind,
            RedirectUris = registration.RedirectUris,
            AllowedOrigins = registration.AllowedOrigins,
            CreatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return new RegisteredClient(clientId, secret);
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Client;
using OpenIddict.Client.WebIntegration;
using static OpenIddict.Client.WebIntegration.OpenIddictClientWebIntegrationConstants;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// OpenIddict's client service, with the sites' identity providers as its registrations: a registration id is an
/// <see cref="IdentityProvider.Id"/>, read from the database when OpenIddict asks for it, built as OpenIddict builds its
/// own at start-up (its web provider's settings, then its discovery), and kept while the row is unchanged so that its
/// discovery document and keys stay cached. A removed provider is no registration at all; a disabled one still is, and
/// the sign-in's endpoints refuse it (a return already under way ends on a page, not an exception).
/// </summary>
public sealed class SiteRegistrations(
    IServiceProvider services, IServiceScopeFactory scopes, IdentityProviderSecretSealer sealer,
    Microsoft.Extensions.Options.IOptions<Configuration.LatchkeyOptions> options)
    : OpenIddictClientService(services)
{
    /// <summary>
    /// The callback the provider returns to: under <c>Latchkey:PublicBaseUrl</c> when configured, the address the site
    /// owner registered at the provider (docs/identity-providers/README.md), whatever host a request arrived on;
    /// otherwise relative, so OpenIddict resolves it against the request (the embedded default on one box).
    /// </summary>
    private readonly Uri _redirectUri = options.Value.PublicBaseUrl is { Length: > 0 } configured
        ? new Uri(configured.TrimEnd('/') + SocialSignInEndpoints.CallbackPath, UriKind.Absolute)
        : new Uri(SocialSignInEndpoints.CallbackPath.TrimStart('/'), UriKind.Relative);

    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Version, OpenIddictClientRegistration Registration)> _built = new();

    public override async ValueTask<OpenIddictClientRegistration> GetClientRegistrationByIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (Guid.TryParse(identifier, out var id))
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<IIdentityProviderStore>().FindByIdAsync(id, cancellationToken) is { } provider)
            {
                return _built.TryGetValue(id, out var built) && built.Version == provider.UpdatedAt
                    ? built.Registration
                    : (_built[id] = (provider.UpdatedAt, Build(provider))).Registration;
            }
        }

        throw new InvalidOperationException($"No identity provider has the id '{identifier}'.");
    }

    /// <summary>Only by id: an issuer or a provider name could be any site's.</summary>
    public override ValueTask<OpenIddictClientRegistration> GetClientRegistrationByIssuerAsync(Uri uri, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("Latchkey's identity providers are found by their id only.");

    public override ValueTask<OpenIddictClientRegistration> GetClientRegistrationByProviderNameAsync(string name, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("Latchkey's identity providers are found by their id only.");

    private OpenIddictClientRegistration Build(IdentityProvider provider)
    {
        var secret = provider.SealedClientSecret is { } sealedSecret ? sealer.Open(sealedSecret) : null;
        var registration = new OpenIddictClientRegistration
        {
            RegistrationId = provider.Id.ToString(),
            ProviderName = provider.Id.ToString(),
            ProviderDisplayName = provider.DisplayName,
            ClientId = provider.ClientId,
            ClientSecret = provider.Kind == IdentityProviderKind.Apple ? null : secret,
            RedirectUri = _redirectUri,
        };
        switch (provider.Kind)
        {
            case IdentityProviderKind.OpenIdConnect:
                registration.Issuer = new Uri(provider.Issuer!, UriKind.Absolute);
                registration.Scopes.UnionWith([OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Email, OpenIddictConstants.Scopes.Profile]);
                break;
            case IdentityProviderKind.Google:
                Provide(registration, ProviderTypes.Google, new OpenIddictClientWebIntegrationSettings.Google(), "openid", "email", "profile");
                break;
            case IdentityProviderKind.Microsoft:
                Provide(registration, ProviderTypes.Microsoft, new OpenIddictClientWebIntegrationSettings.Microsoft { Tenant = provider.Tenant ?? "common" },
                    "openid", "email", "profile");
                break;
            case IdentityProviderKind.GitHub:
                Provide(registration, ProviderTypes.GitHub, new OpenIddictClientWebIntegrationSettings.GitHub(), "read:user", "user:email");
                break;
            case IdentityProviderKind.Facebook:
                Provide(registration, ProviderTypes.Facebook, new OpenIddictClientWebIntegrationSettings.Facebook(), "email", "public_profile");
                break;
            case IdentityProviderKind.Apple:
                var key = ECDsa.Create();
                key.ImportFromPem(secret);
                Provide(registration, ProviderTypes.Apple, new OpenIddictClientWebIntegrationSettings.Apple
                {
                    SigningKey = new ECDsaSecurityKey(key) { KeyId = provider.KeyId },
                    TeamId = provider.TeamId,
                }, "openid", "email", "name");
                break;
        }

        // What OpenIddict's own configuration does for a registration at start-up, done for this one now.
        registration.ConfigurationManager = registration.Configuration is { } fixedConfiguration
            ? new StaticConfigurationManager<OpenIddictConfiguration>(fixedConfiguration)
            : new ConfigurationManager<OpenIddictConfiguration>(
                (registration.ConfigurationEndpoint ?? new Uri(WithSlash(registration.Issuer!), ".well-known/openid-configuration")).AbsoluteUri,
                new OpenIddictClientRetriever(this, registration))
            {
                AutomaticRefreshInterval = ConfigurationManager<OpenIddictConfiguration>.DefaultAutomaticRefreshInterval,
                RefreshInterval = ConfigurationManager<OpenIddictConfiguration>.DefaultRefreshInterval,
            };
        return registration;
    }

    /// <summary>An issuer with a path (Keycloak's <c>/realms/x</c>) keeps its last segment when discovery is appended.</summary>
    private static Uri WithSlash(Uri issuer) => issuer.AbsoluteUri.EndsWith('/') ? issuer : new Uri(issuer.AbsoluteUri + "/");

    private static void Provide(OpenIddictClientRegistration registration, string type, object settings, params string[] scopes)
    {
        registration.ProviderType = type;
        registration.ProviderSettings = settings;
        registration.Scopes.UnionWith(scopes);
        OpenIddictClientWebIntegrationConfiguration.ConfigureProvider(registration);
        // The web integration names the provider after its type; Latchkey's registrations are per site, by id.
        registration.ProviderName = registration.RegistrationId;
    }
}

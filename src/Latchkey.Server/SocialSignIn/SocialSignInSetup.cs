using Latchkey.Server.Configuration;
using Latchkey.Server.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// Social sign-in's client side (issue #26, docs/flows/social-sign-in.md): OpenIddict's client, with its web providers,
/// for the sites' registrations. Registrations are not options: they are read from the database per request
/// (<see cref="SiteRegistrations"/>), so an admin's change needs no restart and every node sees it. The client's state
/// tokens are protected by keys derived from the master key, the same on every node, and stored (single use) in the
/// shared database by OpenIddict's token store.
/// </summary>
public static class SocialSignInSetup
{
    public static IServiceCollection AddLatchkeySocialSignIn(this IServiceCollection services)
    {
        services.AddOpenIddict().AddClient(client =>
        {
            client.AllowAuthorizationCodeFlow();
            client.SetRedirectionEndpointUris(SocialSignInEndpoints.CallbackPath.TrimStart('/'));
            // TLS ends in front of Latchkey (docs/configuration.md); errors come to the callback, which shows them as a page.
            client.UseAspNetCore().DisableTransportSecurityRequirement().EnableRedirectionEndpointPassthrough().EnableErrorPassthrough();
            // Redirects are never followed: each hop would skip the outbound check (GuardedProviderClients), and a provider
            // has no business redirecting its discovery, keys, token or user info endpoints.
            client.UseSystemNetHttp().SetProductInformation(typeof(SocialSignInSetup).Assembly)
                .ConfigureHttpClientHandler(handler => handler.AllowAutoRedirect = false);
            client.UseWebProviders();
            client.AddEventHandler(OnlyStoredStateTokens.Descriptor);
        });
        services.AddSingleton<IConfigureOptions<OpenIddictClientOptions>, ClientKeys>();
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, GuardedProviderClients>();
        services.Replace(ServiceDescriptor.Singleton<OpenIddictClientService, SiteRegistrations>());
        services.AddScoped<Core.Features.SocialSignIn.SignInWithProvider>();
        services.AddScoped<Core.Features.SocialSignIn.LinkAfterSignIn>();
        services.AddScoped<IdentityLinks>();
        GitHubEmails.AddClient(services);
        services.AddSingleton<GitHubEmails>();
        return services;
    }

    /// <summary>
    /// Every request OpenIddict's client makes to a provider (discovery, keys, code exchange, user info) passes
    /// <see cref="OutboundGuardHandler"/>: an issuer re-pointed at the server's own network after it was saved is refused.
    /// </summary>
    private sealed class GuardedProviderClients(OutboundPolicy policy) : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        private static readonly string Prefix = typeof(OpenIddict.Client.SystemNetHttp.OpenIddictClientSystemNetHttpOptions).Assembly.GetName().Name!;

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            if (name?.StartsWith(Prefix, StringComparison.Ordinal) == true)
            {
                options.HttpMessageHandlerBuilderActions.Add(builder => builder.AdditionalHandlers.Insert(0, new OutboundGuardHandler(policy)));
            }
        }

        public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
    }

    /// <summary>State tokens are encrypted (A256KW, A256CBC-HS512) and signed (HMAC-SHA256) with keys of their own purpose.</summary>
    private sealed class ClientKeys(MasterKey master) : IConfigureOptions<OpenIddictClientOptions>
    {
        public void Configure(OpenIddictClientOptions options)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(master.Derive("social-sign-in/state-encryption/v1")) { KeyId = "social-v1" },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            options.SigningCredentials.Add(new SigningCredentials(
                new SymmetricSecurityKey(master.Derive("social-sign-in/state-signing/v1")) { KeyId = "social-v1" }, SecurityAlgorithms.HmacSha256));
        }
    }
}

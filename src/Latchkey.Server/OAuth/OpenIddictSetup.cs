using Latchkey.Server.Configuration;
using Latchkey.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.OAuth;

/// <summary>
/// OpenIddict is the protocol engine (docs/conventions.md#oauth-engine). Latchkey's specifics are event handlers: the
/// JSON request adapter, the anonymous grant and stateless visitor tokens. Keys come from the database through <see
/// cref="SigningKeyRing"/>.
/// </summary>
public static class OpenIddictSetup
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(4);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(90);

    /// <summary>
    /// The Wix-SDK kind keeps one refresh token, so it cannot slide by rotation: it lives a year (as Wix's do), and
    /// the 90-day sliding idle limit is the member session's, checked on every refresh (RefreshPolicy.RequireLiveSession).
    /// </summary>
    public static readonly TimeSpan StableRefreshTokenLifetime = TimeSpan.FromDays(365);
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest any token signed with a signing key can live: the stable refresh token. Refresh tokens are
    /// references, but the payload behind each one issued before ADR 0017 was signed with the ES256 key of its day,
    /// so a key must verify for this long after it stops signing (ADR 0015). Newer payloads use the HMAC key.
    /// </summary>
    public static readonly TimeSpan LongestTokenLifetime =
        new[] { AccessTokenLifetime, RefreshTokenLifetime, StableRefreshTokenLifetime, AuthorizationCodeLifetime }.Max();

    public static IServiceCollection AddLatchkeyOpenIddict(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<LatchkeyDbContext>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("oauth2/token", "_api/oauth2/token")
                    .SetAuthorizationEndpointUris("oauth2/authorize", "_api/oauth2/authorize")
                    .SetJsonWebKeySetEndpointUris("oauth2/jwks", "_api/oauth2/jwks")
                    .SetIntrospectionEndpointUris("oauth2/introspect", "_api/oauth2/introspect")
                    .SetRevocationEndpointUris("oauth2/revoke", "_api/oauth2/revoke")
                    .SetUserInfoEndpointUris("oauth2/user-info", "_api/oauth2/user-info");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow().AllowClientCredentialsFlow()
                    .AllowCustomFlow(AnonymousGrant.GrantType).AllowCustomFlow(AuthorizedClientGrant.GrantType);
                server.RegisterScopes(Scopes.OfflineAccess, Scopes.OpenId, Scopes.Email, Scopes.Profile);
                server.SetAccessTokenLifetime(AccessTokenLifetime).SetRefreshTokenLifetime(RefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(AuthorizationCodeLifetime);
                // Refresh tokens are opaque references whose identifiers are stored only as digests
                // (docs/tokens.md#the-tokens); rotation has no reuse leeway: a used token presented again revokes the
                // family (RFC 9700).
                server.UseReferenceRefreshTokens().SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.Configure(options =>
                {
                    options.ResponseModes.Add(WebMessageResponseMode.Name);
                    // S256 only (docs/tokens.md#the-tokens, RFC 9700 §2.1.1): "plain" would let a stolen code be
                    // redeemed.
                    options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                });
                // Access tokens are plain ES256 JWS (docs/tokens.md#the-tokens); refresh tokens stay encrypted.
                server.DisableAccessTokenEncryption();
                // TLS is terminated in front of Latchkey, or the traffic is loopback (see docs/configuration.md).
                // Compact JSON, as Wix answers: indentation only cost bytes and CPU on every token response.
                server.UseAspNetCore().DisableTransportSecurityRequirement().EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough().SuppressJsonResponseIndentation();

                server.RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<OpenIddictServerEvents.ExtractTokenRequestContext>.Descriptor);
                server.AddEventHandler(JsonTokenRequestExtractor.Descriptor);
                // Token metrics (docs/observability.md): counted where the response is applied, whatever the grant.
                server.AddEventHandler(CountIssuedTokens.Descriptor);
                server.AddEventHandler(InferAuthorizedClientId.Descriptor);
                server.AddEventHandler(Cors.CorsTokenRequests.Descriptor);
                server.RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<OpenIddictServerEvents.ExtractAuthorizationRequestContext>.Descriptor);
                server.AddEventHandler(CamelCaseAuthorizationRequestExtractor.Descriptor);
                server.AddEventHandler(BareUserInfoToken.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor);
                server.AddEventHandler(WebMessageResponseMode.AllowMissingRedirectUri.Descriptor);
                server.AddEventHandler(WebMessageResponseMode.WritePostMessagePage.Descriptor);
                server.AddEventHandler(AuthorizationErrorPage.Descriptor);
                server.AddEventHandler(RefreshPolicy.ResolveClientKind.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor);
                server.AddEventHandler(RefreshPolicy.RedeemUnlessStable.Descriptor);
                server.AddEventHandler(RefreshPolicy.RevokeFamilyOnReuse.Descriptor);
                server.AddEventHandler(RefreshPolicy.KeepStableToken.Descriptor);
                server.AddEventHandler(RefreshPolicy.RequireLiveSession.Descriptor);
                server.AddEventHandler(RefreshPolicy.IntrospectLiveSessionsOnly.Descriptor);
                server.AddEventHandler(AnonymousGrant.Descriptor);
                server.AddEventHandler(AuthorizedClientGrant.Descriptor);
                server.AddEventHandler(ClientCredentialsGrant.Descriptor);
                server.AddEventHandler(WholeSecondsExpiresIn.Descriptor);
                server.AddEventHandler(StatelessVisitorTokens.MarkTransaction.Descriptor);
                server.AddEventHandler(StatelessVisitorTokens.SkipTokenEntry.Descriptor);
                server.AddEventHandler(UnstoredAccessTokens.SkipTokenEntry.Descriptor);
                server.AddEventHandler(PrivateTokenSigning.Descriptor);
                server.AddEventHandler(UnstoredAccessTokens.RequireValidAuthorization.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.AttachAuthorization.Descriptor);
                server.AddEventHandler(StatelessVisitorTokens.AttachAuthorizationUnlessStateless.Descriptor);
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                // Access tokens have no rows (ADR 0016): the authorization they name is what a reused rotating family
                // revokes, so Latchkey's own endpoints check it, as introspection and user-info do.
                validation.AddEventHandler(UnstoredAccessTokens.RequireValidAuthorizationOnValidation.Descriptor);
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysFromDatabase>();
        services.AddSingleton<TokenFastPath.Counts>();
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>, SharedApplicationCache>());
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken>, CompiledTokenStore>());
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, PlannedDispatcher>());
        return services;
    }

    /// <summary>Adds the persisted signing keys, the derived private-token signing key and the derived refresh-token encryption key before OpenIddict validates its options.</summary>
    private sealed class ServerKeysFromDatabase(SigningKeyRing ring, MasterKey masterKey, IOptions<LatchkeyOptions> options)
        : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions server)
        {
            foreach (var key in ring.Keys)
            {
                server.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
            }

            // Private tokens only (ADR 0017, PrivateTokenSigning): OpenIddict prefers symmetric keys, and the handler
            // keeps access tokens on the ring's ES256 key.
            server.SigningCredentials.Add(new SigningCredentials(
                new SymmetricSecurityKey(masterKey.Derive("private-token-signing/v1")) { KeyId = PrivateTokenSigning.KeyId },
                SecurityAlgorithms.HmacSha256));

            server.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(masterKey.Derive("refresh-token-encryption/v1")) { KeyId = "lk-enc-1" },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));

            if (options.Value.PublicBaseUrl is { Length: > 0 } issuer)
            {
                server.Issuer = new Uri(issuer);
            }
        }
    }
}

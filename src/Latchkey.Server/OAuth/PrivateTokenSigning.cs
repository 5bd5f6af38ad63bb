using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Tokens only Latchkey reads (refresh tokens, authorization codes, OpenIddict's other private tokens) are signed with
/// an HMAC key derived from the master key; access and identity tokens stay ES256 under the ring's signing key
/// (ADR 0017). OpenIddict signs with its first signing credentials and sorts symmetric keys first, which gives private
/// tokens the HMAC key. That sort does not keep the order of keys it ranks equal, so the ring's signer (its first
/// key, ADR 0012) can no longer be taken from the position in the list: this handler names it by key id.
/// An HMAC costs microseconds where verifying a P-256 signature cost a tenth of every refresh's CPU, and no one
/// without the key ever checks a private token's signature.
/// </summary>
public sealed class PrivateTokenSigning(SigningKeyRing ring) : IOpenIddictServerHandler<GenerateTokenContext>
{
    /// <summary>The key id of the HMAC key; it never appears in <c>/oauth2/jwks</c>, which lists asymmetric keys only.</summary>
    public const string KeyId = "lk-hs-1";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<PrivateTokenSigning>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
        {
            // The ring's signer; in the instant between a ring change and the options rebuilt from it, the first key
            // in the ring's order that these options hold (never a key the unstable sort happened to put first).
            context.SigningCredentials = ring.Keys
                .Select(key => context.Options.SigningCredentials.FirstOrDefault(credentials => credentials.Key.KeyId == key.KeyId))
                .FirstOrDefault(credentials => credentials is not null) ??
                context.Options.SigningCredentials.First(credentials => credentials.Key is AsymmetricSecurityKey);
        }

        return default;
    }
}

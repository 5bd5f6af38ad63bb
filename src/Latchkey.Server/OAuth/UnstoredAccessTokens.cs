using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Access tokens get no token row (ADR 0016). They are self-contained ES256 JWTs that resource servers check offline
/// (docs/tokens.md#the-tokens), so a row could only ever stop them inside Latchkey, and there two other records already
/// do: the member session (logout, a password change, recovery or a block end it, and every Latchkey endpoint checks
/// it) and the authorization (a reused rotating refresh token revokes its family's). Without the row a refresh
/// writes nothing for its access token, which was half of what a refresh wrote.
/// </summary>
public static class UnstoredAccessTokens
{
    /// <summary>Turns off the token entry of every access token.</summary>
    public sealed class SkipTokenEntry : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseSingletonHandler<SkipTokenEntry>()
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 400)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.TokenType == TokenTypeIdentifiers.AccessToken)
            {
                context.CreateTokenEntry = false;
                context.PersistTokenPayload = false;
                context.IsReferenceToken = false;
            }

            return default;
        }
    }

    /// <summary>
    /// An access token is refused by <c>/oauth2/introspect</c> and <c>/oauth2/user-info</c> once the authorization
    /// it names is revoked. OpenIddict checks the authorization of codes and refresh tokens; access tokens were
    /// stopped by their own row, which they no longer have.
    /// </summary>
    public sealed class RequireValidAuthorization(IOpenIddictAuthorizationManager authorizations)
        : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireAuthorizationStorageEnabled>()
                .UseScopedHandler<RequireValidAuthorization>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (await IsOfRevokedAuthorizationAsync(authorizations, context.Principal, context.CancellationToken))
            {
                context.Reject(Errors.InvalidToken, RevokedAuthorization);
            }
        }
    }

    /// <summary>
    /// The same check on OpenIddict's validation stack, which Latchkey's own endpoints and <c>/oauth2/token-info</c>
    /// use: it checked neither token rows nor authorizations (<c>EnableAuthorizationEntryValidation</c> does not take
    /// with the local-server integration), so after a reused family they kept accepting its access tokens.
    /// </summary>
    public sealed class RequireValidAuthorizationOnValidation(IOpenIddictAuthorizationManager authorizations)
        : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
    {
        public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
            OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
                .UseScopedHandler<RequireValidAuthorizationOnValidation>()
                .SetOrder(OpenIddictValidationHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order + 1)
                .SetType(OpenIddictValidationHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
        {
            if (await IsOfRevokedAuthorizationAsync(authorizations, context.Principal, context.CancellationToken))
            {
                context.Reject(Errors.InvalidToken, RevokedAuthorization);
            }
        }
    }

    private const string RevokedAuthorization = "The authorization this access token belongs to was revoked; sign in again.";

    /// <summary>Whether the principal is an access token whose authorization is gone or no longer valid.</summary>
    private static async ValueTask<bool> IsOfRevokedAuthorizationAsync(
        IOpenIddictAuthorizationManager authorizations, System.Security.Claims.ClaimsPrincipal? principal, CancellationToken cancellationToken) =>
        principal is not null && principal.HasTokenType(TokenTypeIdentifiers.AccessToken) &&
        principal.GetAuthorizationId() is { Length: > 0 } authorizationId &&
        (await authorizations.FindByIdAsync(authorizationId, cancellationToken) is not { } authorization ||
         !await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken));
}

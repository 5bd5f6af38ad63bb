using Latchkey.Core.Clients;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Refresh policy per client (decisions §3). Clients of the Wix-SDK kind keep the refresh token they were given
/// (the SDK ignores a new one, so rotating would sign members out): the used token is neither redeemed nor
/// replaced. Every other client rotates with zero reuse leeway, and OpenIddict revokes the whole family when a
/// redeemed token comes back (RFC 9700 §4.14).
/// </summary>
public static class RefreshPolicy
{
    private const string StableTransaction = ".latchkey_stable_refresh";

    /// <summary>Looks the client up once per token request and flags stable-refresh clients.</summary>
    public sealed class ResolveClientKind(IClientStore clients) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseScopedHandler<ResolveClientKind>()
                .SetOrder(OpenIddictServerHandlers.ValidateSignInDemand.Descriptor.Order + 600)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Request.IsRefreshTokenGrantType() &&
                context.Request.ClientId is { Length: > 0 } clientId &&
                await clients.FindAsync(clientId, context.CancellationToken) is { Kind: ClientKind.WixSdk })
            {
                context.Transaction.Properties[StableTransaction] = true;
            }
        }
    }

    /// <summary>OpenIddict's redemption of the presented token, except for stable-refresh clients.</summary>
    public sealed class RedeemUnlessStable(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        private readonly OpenIddictServerHandlers.RedeemTokenEntry _inner = new(tokens);

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                .UseScopedHandler<RedeemUnlessStable>()
                .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessSignInContext context) =>
            context.Transaction.Properties.ContainsKey(StableTransaction) ? default : _inner.HandleAsync(context);
    }

    /// <summary>No new refresh token for stable-refresh clients: the one they hold stays the one.</summary>
    public sealed class KeepStableToken : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseSingletonHandler<KeepStableToken>()
                .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.Transaction.Properties.ContainsKey(StableTransaction))
            {
                (context.GenerateRefreshToken, context.IncludeRefreshToken) = (false, false);
            }

            return default;
        }
    }

    /// <summary>
    /// A member's code or refresh token only works while its session is live and the member may still sign in:
    /// logout, a password change elsewhere, recovery or a block end the session and so every token of it.
    /// Each successful refresh slides the session.
    /// </summary>
    public sealed class RequireLiveSession(SessionService sessions) : IOpenIddictServerHandler<HandleTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
                .UseScopedHandler<RequireLiveSession>()
                .SetOrder(OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(HandleTokenRequestContext context)
        {
            if (context.Principal is not { } principal || principal.GetClaim(LatchkeyClaims.Role) != LatchkeyClaims.MemberRole)
            {
                return;
            }

            if (MemberPrincipal.SiteOf(principal) is not { } site || MemberPrincipal.SessionOf(principal) is not { } session ||
                !await sessions.IsUsableAsync(site, session, slide: true, context.CancellationToken))
            {
                context.Reject(Errors.InvalidGrant, "The member's session has ended (logout, password change or block); sign in again.");
            }
        }
    }

    /// <summary>
    /// Introspection (RFC 7662) answers <c>active: false</c> for a member token whose session has ended, as
    /// <c>/oauth2/token-info</c> and Latchkey's own endpoints do: a resource server must not keep honouring a token
    /// after logout, a password change or a block just because its signature and lifetime are still good.
    /// </summary>
    public sealed class IntrospectLiveSessionsOnly(SessionService sessions) : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
                .UseScopedHandler<IntrospectLiveSessionsOnly>()
                .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
        {
            if (context.GenericTokenPrincipal is not { } principal || principal.GetClaim(LatchkeyClaims.Role) != LatchkeyClaims.MemberRole)
            {
                return;
            }

            if (MemberPrincipal.SiteOf(principal) is not { } site || MemberPrincipal.SessionOf(principal) is not { } session ||
                !await sessions.IsUsableAsync(site, session, slide: false, context.CancellationToken))
            {
                // invalid_token becomes the standard { "active": false } (OpenIddict's NormalizeErrorResponse).
                context.Reject(Errors.InvalidToken, "The member's session has ended.");
            }
        }
    }
}

using System.Security.Claims;
using Latchkey.Core.Clients;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Refresh policy per client (docs/tokens.md#refresh-policy-per-client). Clients of the Wix-SDK kind keep the refresh
/// token they were given (the SDK ignores a new one, so rotating would sign members out): the used token is neither
/// redeemed nor replaced. Every other client rotates with zero reuse leeway, and OpenIddict revokes the whole family
/// when a redeemed token comes back (RFC 9700 §4.14).
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
            if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Request?.IsRefreshTokenGrantType() == true &&
                context.Request.ClientId is { Length: > 0 } clientId &&
                await clients.FindAsync(clientId, context.CancellationToken) is { Kind: ClientKind.WixSdk })
            {
                context.Transaction.Properties[StableTransaction] = true;
            }
        }
    }

    /// <summary>
    /// OpenIddict's redemption of the presented token, except for stable-refresh clients, and strict for rotating
    /// ones: OpenIddict ignores a failed redemption of a refresh token (it allows for a reuse leeway), so concurrent
    /// refreshes that all passed validation before any of them redeemed the token were each given a new one (issue
    /// #7: 21 of 50 on PostgreSQL). With zero leeway the redemption is the verdict: one request redeems the token,
    /// and every other presented a token that is now used, which is reuse, so the family is revoked (decision 0008).
    /// </summary>
    public sealed class RedeemUnlessStable(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
        : IOpenIddictServerHandler<ProcessSignInContext>
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

        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.Transaction.Properties.ContainsKey(StableTransaction))
            {
                return;
            }

            if (context.EndpointType != OpenIddictServerEndpointType.Token || !context.Request.IsRefreshTokenGrantType())
            {
                await _inner.HandleAsync(context);
                return;
            }

            var principal = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!)?.RefreshTokenPrincipal;
            // No token id: a self-contained token with no row to redeem (visitor sign-ins, decision 0003).
            if (principal?.GetTokenId() is not { Length: > 0 } tokenId ||
                await tokens.FindByIdAsync(tokenId, context.CancellationToken) is not { } token ||
                await tokens.TryRedeemAsync(token, context.CancellationToken))
            {
                return;
            }

            await RevokeFamilyAsync(tokens, authorizations, principal.GetAuthorizationId(), context.CancellationToken);
            context.Reject(Errors.InvalidGrant, "The refresh token was used by a concurrent request; its family is revoked, sign in again.");
        }
    }

    /// <summary>
    /// A used rotating refresh token presented again revokes its authorization, not only the tokens OpenIddict revokes
    /// next: under a race the winner may write its new refresh token after that sweep, and only the revoked
    /// authorization then stops it (decision 0008: tabs refreshing with one token at once lose the family).
    /// </summary>
    public sealed class RevokeFamilyOnReuse(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
        : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                .UseScopedHandler<RevokeFamilyOnReuse>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            // Zero reuse leeway (OpenIddictSetup): a redeemed refresh token is never presented legitimately.
            if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Request?.IsRefreshTokenGrantType() == true &&
                context.TokenId is { Length: > 0 } tokenId &&
                await tokens.FindByIdAsync(tokenId, context.CancellationToken) is { } token &&
                await tokens.HasStatusAsync(token, Statuses.Redeemed, context.CancellationToken))
            {
                await RevokeFamilyAsync(tokens, authorizations, await tokens.GetAuthorizationIdAsync(token, context.CancellationToken), context.CancellationToken);
            }
        }
    }

    /// <summary>The authorization first: every token of a revoked authorization is refused, even one written later.</summary>
    private static async Task RevokeFamilyAsync(
        IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, string? authorizationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorizationId))
        {
            return;
        }

        if (await authorizations.FindByIdAsync(authorizationId, cancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }

        await tokens.RevokeByAuthorizationIdAsync(authorizationId, cancellationToken);
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

            if (!await IsLiveAsync(sessions, principal, context.CancellationToken))
            {
                context.Reject(Errors.InvalidGrant, "The member's session has ended (logout, password change or block); sign in again.");
            }
        }

        /// <summary>The member principal's session is usable, and is slid; also the token fast path's check (ADR 0025).</summary>
        internal static async Task<bool> IsLiveAsync(SessionService sessions, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
            MemberPrincipal.SiteOf(principal) is { } site && MemberPrincipal.SessionOf(principal) is { } session &&
            await sessions.IsUsableAsync(site, session, slide: true, cancellationToken);
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

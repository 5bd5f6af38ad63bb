using Latchkey.Server.Callers;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Visitor sign-ins write no database rows: no token entry and no ad-hoc authorization. The trade-off, recorded in
/// docs/decisions/0003-stateless-visitor-tokens.md: a visitor refresh token cannot be revoked, and it carries no
/// member rights, so nothing of a member's is at stake.
/// </summary>
public static class StatelessVisitorTokens
{
    /// <summary>Flags the transaction once, early in the sign-in, from the principal's role.</summary>
    public sealed class MarkTransaction : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseSingletonHandler<MarkTransaction>()
                .SetOrder(OpenIddictServerHandlers.ValidateSignInDemand.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.Principal?.GetClaim(LatchkeyClaims.Role) == LatchkeyClaims.VisitorRole)
            {
                context.Transaction.Properties[LatchkeyClaims.StatelessTransaction] = true;
            }

            return default;
        }
    }

    /// <summary>Turns off the token entry for every token generated in a flagged transaction.</summary>
    public sealed class SkipTokenEntry : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseSingletonHandler<SkipTokenEntry>()
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.Transaction.Properties.ContainsKey(LatchkeyClaims.StatelessTransaction))
            {
                context.CreateTokenEntry = false;
                context.PersistTokenPayload = false;
                context.IsReferenceToken = false;
            }

            return default;
        }
    }

    /// <summary>OpenIddict's ad-hoc authorization, except in a flagged transaction (there is no per-request switch).</summary>
    public sealed class AttachAuthorizationUnlessStateless(
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations)
        : IOpenIddictServerHandler<ProcessSignInContext>
    {
        private readonly OpenIddictServerHandlers.AttachAuthorization _inner = new(applications, authorizations);

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireAuthorizationStorageEnabled>()
                .UseScopedHandler<AttachAuthorizationUnlessStateless>()
                .SetOrder(OpenIddictServerHandlers.AttachAuthorization.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessSignInContext context) =>
            context.Transaction.Properties.ContainsKey(LatchkeyClaims.StatelessTransaction) ? default : _inner.HandleAsync(context);
    }
}

using OpenIddict.Client;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Client.OpenIddictClientEvents;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// A provider's return is answered only for a state this server stored: the state tokens it issues are references to
/// the shared token table (single use), never self-contained. A self-contained token in <c>state</c> (a fuzzer sent one of
/// Latchkey's access tokens there) is refused here, before OpenIddict 7.8's IdentityModel validation, which throws a
/// <see cref="NullReferenceException"/> for a state signed with an unknown key (it asks the registration, not resolved
/// yet, to refresh its keys).
/// </summary>
public sealed class OnlyStoredStateTokens : IOpenIddictClientHandler<ValidateTokenContext>
{
    public static OpenIddictClientHandlerDescriptor Descriptor { get; } = OpenIddictClientHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
        .UseSingletonHandler<OnlyStoredStateTokens>()
        .SetOrder(OpenIddictClientHandlers.Protection.ValidateReferenceTokenIdentifier.Descriptor.Order + 500)
        .SetType(OpenIddictClientHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.StateToken) && !context.IsReferenceToken)
        {
            context.Reject(Errors.InvalidToken, "The state was not issued by this server.");
        }

        return default;
    }
}

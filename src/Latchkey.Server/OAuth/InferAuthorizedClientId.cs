using Latchkey.Core.Clients;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The Wix SDK sends the <c>authorized_client</c> grant without a client id (docs/wire/sdk.md#the-wix-sdk-as-a-client;
/// a fresh SDK client even sends <c>Authorization: ,&lt;apiKey&gt;</c>). The grant is on behalf of the API key's site,
/// so its Wix-SDK client is the client: it is filled in right after extraction, before OpenIddict validates the
/// request, so that client permissions and the stable refresh policy apply as for any other request.
/// </summary>
public sealed class InferAuthorizedClientId(CallerResolver callers, IClientStore clients) : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseScopedHandler<InferAuthorizedClientId>()
            .SetOrder(JsonTokenRequestExtractor.Descriptor.Order + 100)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        if (context.Request is not { GrantType: AuthorizedClientGrant.GrantType } request || !string.IsNullOrEmpty(request.ClientId) ||
            context.Transaction.GetHttpRequest() is not { } http)
        {
            return;
        }

        var caller = await callers.ResolveAsync(http, context.CancellationToken);
        if (caller.IsSuccess && caller.Value.ApiKey is not null)
        {
            var client = (await clients.FindBySiteAsync(caller.Value.Site.Id, context.CancellationToken)).FirstOrDefault(c => c.Kind == ClientKind.WixSdk);
            request.ClientId = client?.ClientId;
        }
    }
}

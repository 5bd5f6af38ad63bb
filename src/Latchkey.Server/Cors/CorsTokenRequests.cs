using Latchkey.Core.Storage;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.Cors;

/// <summary>
/// The token endpoint names its site through the client id: a browser origin allowed by another site of this server
/// is refused there too (docs/cors.md), with the RFC 6749 body the endpoint answers every error in. Requests without a
/// browser origin cost nothing here.
/// </summary>
public sealed class CorsTokenRequests(IClientStore clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<CorsTokenRequests>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http?.Features.Get<BrowserOrigin>() is null || string.IsNullOrEmpty(context.ClientId))
        {
            return;
        }

        var client = await clients.FindAsync(context.ClientId, context.CancellationToken);
        if (client is not null && !BrowserOrigin.AllowsSite(http, client.SiteId))
        {
            context.Reject(Errors.InvalidRequest,
                "This browser origin is not an allowed origin of the client's site (origin_not_allowed, docs/errors/origin_not_allowed.md).");
        }
    }
}

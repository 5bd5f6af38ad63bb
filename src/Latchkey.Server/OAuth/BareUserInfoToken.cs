using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The Wix SDK's <c>oauth.userInfo()</c> sends <c>Authorization: &lt;token&gt;</c> without a scheme, as it does to every
/// Wix endpoint (docs/wire/conventions.md#request-headers). OpenIddict reads only <c>Bearer</c> (RFC 6750) at user-info;
/// this reads a bare token when no other was found, and nothing else: a header with any scheme (<c>Basic …</c>) or
/// with spaces is left to OpenIddict, which refuses it as before.
/// </summary>
public sealed class BareUserInfoToken : IOpenIddictServerHandler<ExtractUserInfoRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractUserInfoRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<BareUserInfoToken>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractAccessToken<ExtractUserInfoRequestContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractUserInfoRequestContext context)
    {
        if (context.Request is { AccessToken: null } request &&
            context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString().Trim() is { Length: > 0 } header &&
            !header.Contains(' ', StringComparison.Ordinal))
        {
            request.AccessToken = header;
        }

        return ValueTask.CompletedTask;
    }
}

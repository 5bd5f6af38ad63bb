using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// An authorize request that cannot be answered at a redirect URI (unknown client, a redirect URI that is not on the
/// allow-list, a malformed request) gets an HTML error page: never a redirect (docs/wire/oauth.md#authorize-rules).
/// </summary>
public sealed class AuthorizationErrorPage : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseSingletonHandler<AuthorizationErrorPage>()
            .SetOrder(WebMessageResponseMode.WritePostMessagePage.Descriptor.Order + 100)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error) || !string.IsNullOrEmpty(context.RedirectUri) ||
            context.Transaction.GetHttpRequest() is not { } request)
        {
            return;
        }

        await WriteAsync(request.HttpContext.Response, context.Response.Error, context.Response.ErrorDescription, context.CancellationToken);
        context.HandleRequest();
    }

    public static Task WriteAsync(HttpResponse response, string error, string? description, CancellationToken cancellationToken)
    {
        var encoder = HtmlEncoder.Default;
        response.StatusCode = (int)HttpStatusCode.BadRequest;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
            <body><h1>This sign-in link cannot be used</h1>
            <p>Error: <code>{encoder.Encode(error)}</code></p>
            <p>{encoder.Encode(description ?? "")}</p></body></html>
            """, cancellationToken);
    }
}

using System.Net;
using System.Text.Json;
using Latchkey.Core.Storage;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// <c>response_mode=web_message</c> (docs/wire/oauth.md#authorize-rules): the authorize response is an HTML page that
/// posts <c>{code, state}</c> or <c>{error, error_description, state}</c> to the parent window, targeted at an origin
/// on the client's allow-list (the requesting page's origin when the browser names it, else the client's only origin).
/// The Wix SDK loads it in a hidden iframe during direct login. No redirect URI is needed, and none is bound to the
/// code, so the SDK's token request without <c>redirectUri</c> is accepted.
/// </summary>
public static class WebMessageResponseMode
{
    public const string Name = "web_message";

    private const string Placeholder = "urn:latchkey:web-message";

    /// <summary>OpenIddict insists on a redirect URI when a client has several; web_message has none.</summary>
    public sealed class AllowMissingRedirectUri(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        private readonly OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri _inner = new(applications);

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .UseScopedHandler<AllowMissingRedirectUri>()
                .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            if (context.Request.ResponseMode != Name || !string.IsNullOrEmpty(context.RedirectUri))
            {
                return _inner.HandleAsync(context);
            }

            // OpenIddict requires a validated redirect URI on the context. This placeholder is never redirected to:
            // WritePostMessagePage answers every web_message response, and the code binds the request's (absent) URI.
            context.SetRedirectUri(Placeholder);
            return default;
        }
    }

    /// <summary>Writes the posting page instead of a redirect.</summary>
    public sealed class WritePostMessagePage(IClientStore clients) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
                .UseScopedHandler<WritePostMessagePage>()
                .SetOrder(OpenIddictServerHandlers.Authentication.AttachIssuer.Descriptor.Order + 1_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
        {
            if (context.Request?.ResponseMode != Name || context.Request.ClientId is not { Length: > 0 } clientId ||
                context.Transaction.GetHttpRequest() is not { } request)
            {
                return;
            }

            // An unknown client, or one without a single allowed origin, has nowhere to post to: an error page.
            if (await clients.FindAsync(clientId, context.CancellationToken) is not { } client ||
                TargetOrigin(request, client) is not { } origin)
            {
                await AuthorizationErrorPage.WriteAsync(request.HttpContext.Response,
                    context.Response.Error ?? OpenIddictConstants.Errors.InvalidRequest,
                    context.Response.ErrorDescription ?? "No allowed origin of this client can receive the web_message response.",
                    context.CancellationToken);
                context.HandleRequest();
                return;
            }

            var message = new Dictionary<string, string?>
            {
                ["code"] = context.Response.Code,
                ["state"] = context.Response.State,
                ["error"] = context.Response.Error,
                ["error_description"] = context.Response.ErrorDescription,
            }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
            var response = request.HttpContext.Response;
            response.StatusCode = (int)HttpStatusCode.OK;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            // The page is meant to be framed, by the client's own pages only (issue #21): frame-ancestors names them, and
            // its one inline script runs by this response's nonce.
            var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors {string.Join(' ', Origins(client))}";
            response.Headers["Referrer-Policy"] = "no-referrer";
            await response.WriteAsync(Page(JsonSerializer.Serialize(message), JsonSerializer.Serialize(origin), nonce), context.CancellationToken);
            context.HandleRequest();
        }

        private static string? TargetOrigin(HttpRequest request, Core.Clients.SiteClient client)
        {
            if (Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && client.AllowsOriginOf(referer))
            {
                return referer.GetLeftPart(UriPartial.Authority);
            }

            var origins = Origins(client);
            return origins.Count == 1 ? origins[0] : null;
        }

        private static List<string> Origins(Core.Clients.SiteClient client) => client.AllowedOrigins.Count > 0
            ? [.. client.AllowedOrigins.Select(o => o.TrimEnd('/'))]
            : [.. client.RedirectUris.Select(u => new Uri(u).GetLeftPart(UriPartial.Authority)).Distinct()];

        // JSON inside a script: '<' is escaped by the serializer's default encoder, so "</script>" cannot appear.
        private static string Page(string messageJson, string originJson, string nonce) => $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Signing in</title></head>
            <body><script nonce="{{nonce}}">window.parent.postMessage({{messageJson}}, {{originJson}});</script></body></html>
            """;
    }
}

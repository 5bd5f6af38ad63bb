using System.Text;
using System.Text.Json;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The Wix SDK posts the token request as JSON with camelCase names (<c>{"clientId","grantType"}</c>); standard
/// clients post a form with snake_case names. This replaces OpenIddict's form-only extractor and accepts both,
/// mapping camelCase names to their snake_case parameters, so the rest of OpenIddict sees one request shape.
/// </summary>
public sealed class JsonTokenRequestExtractor : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<JsonTokenRequestExtractor>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<ExtractTokenRequestContext>.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        var request = context.Transaction.GetHttpRequest()
            ?? throw new InvalidOperationException("The token request has no HTTP request.");
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Reject(Errors.InvalidRequest, "The token endpoint accepts POST only.");
            return;
        }

        if (!request.HasFormContentType && !request.HasJsonContentType())
        {
            context.Reject(Errors.InvalidRequest, "Send the token request as application/json or application/x-www-form-urlencoded.");
            return;
        }

        try
        {
            if (request.HasFormContentType)
            {
                context.Request = new OpenIddictRequest(await request.ReadFormAsync(context.CancellationToken));
                return;
            }

            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.CancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Reject(Errors.InvalidRequest, "The token request must be a JSON object.");
                return;
            }

            if (!RequestBody.IsText(document.RootElement))
            {
                context.Reject(Errors.InvalidRequest, "The token request holds text that is not valid UTF-8.");
                return;
            }

            var message = new OpenIddictRequest();
            // A nameless member ("": …) carries nothing; OpenIddict refuses empty names (it threw: a 500).
            foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name.Length > 0))
            {
                message.SetParameter(ToSnakeCase(property.Name), new OpenIddictParameter(property.Value.Clone()));
            }

            context.Request = message;
        }
        catch (JsonException)
        {
            context.Reject(Errors.InvalidRequest, "The token request body is not valid JSON.");
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            context.Reject(Errors.InvalidRequest, "The token request body is too large or cannot be read.");
        }
    }

    /// <summary><c>grantType</c> → <c>grant_type</c>; names already in snake_case stay as they are.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

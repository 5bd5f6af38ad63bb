using System.Collections.Immutable;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The Wix SDK builds authorize URLs with camelCase names (<c>clientId</c>, <c>redirectUri</c>, <c>codeChallenge</c>,
/// <c>responseMode</c>, <c>sessionToken</c>); standard clients use snake_case. Both are accepted
/// (docs/wire/oauth.md#authorize-rules): this replaces OpenIddict's extractor and maps camelCase names to their
/// snake_case parameters.
/// </summary>
public sealed class CamelCaseAuthorizationRequestExtractor : IOpenIddictServerHandler<ExtractAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractAuthorizationRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<CamelCaseAuthorizationRequestExtractor>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<ExtractAuthorizationRequestContext>.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ExtractAuthorizationRequestContext context)
    {
        var request = context.Transaction.GetHttpRequest()
            ?? throw new InvalidOperationException("The authorization request has no HTTP request.");
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters;
        if (HttpMethods.IsGet(request.Method))
        {
            parameters = request.Query;
        }
        else if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            parameters = await request.ReadFormAsync(context.CancellationToken);
        }
        else
        {
            context.Reject(Errors.InvalidRequest, "The authorization endpoint accepts GET, or POST with a form.");
            return;
        }

        var message = new OpenIddictRequest();
        // A parameter without a name ("&=x&") carries nothing; OpenIddict refuses empty names (it threw: a 500).
        foreach (var (name, values) in parameters.Where(p => !string.IsNullOrEmpty(p.Key)))
        {
            message.SetParameter(JsonTokenRequestExtractor.ToSnakeCase(name), values.Count == 1 ? new OpenIddictParameter(values[0]) : new OpenIddictParameter(ImmutableArray.Create<string?>([.. values])));
        }

        context.Request = message;
    }
}

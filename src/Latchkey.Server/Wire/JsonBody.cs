using System.Reflection;
using Latchkey.Core.Errors;
using Microsoft.AspNetCore.Http.Metadata;

namespace Latchkey.Server.Wire;

/// <summary>
/// Endpoint metadata (<see cref="JsonBodies.RequireJsonContentType"/>): the body must be declared as JSON, as a
/// browser can send only after a CORS preflight. A missing <c>Content-Type</c> is refused too.
/// </summary>
public sealed record JsonContentTypeRequired(string Detail);

public static class JsonBodies
{
    /// <summary>Refuses a body not declared as <c>application/json</c> (or <c>+json</c>) before it is read.</summary>
    public static RouteHandlerBuilder RequireJsonContentType(this RouteHandlerBuilder builder, string detail) =>
        builder.WithMetadata(new JsonContentTypeRequired(detail));

    /// <summary><c>application/json</c> or any <c>+json</c> type.</summary>
    public static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        media.MediaType.Value is { } type &&
        (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The JSON body of a request that needs no caller (token-info, validate-email, createSessionCookie), read by
/// <see cref="RequestBody"/>. A failure is answered by <see cref="BoundRequests.Filter"/> in the endpoint's
/// <see cref="ErrorShape"/>; the OpenAPI request body comes from here.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find BindAsync and PopulateMetadata on the parameter's type.")]
public sealed class JsonBody<TBody> : IBoundRequest, IEndpointParameterMetadataProvider
    where TBody : class
{
    private readonly TBody? _value;

    private JsonBody(TBody? value, LatchkeyError? failure)
    {
        _value = value;
        Failure = failure;
    }

    public TBody Value => _value ?? throw new InvalidOperationException("A body that failed to bind never reaches its handler.");

    public LatchkeyError? Failure { get; }

    public static async ValueTask<JsonBody<TBody>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<JsonContentTypeRequired>() is { } required && !JsonBodies.IsJson(context.Request.ContentType))
        {
            return new JsonBody<TBody>(null, LatchkeyErrors.UnsupportedMediaType.WithDetail(required.Detail));
        }

        var body = await RequestBody.ReadAsync<TBody>(context.Request, context.RequestAborted);
        return body.IsSuccess ? new JsonBody<TBody>(body.Value, null) : new JsonBody<TBody>(null, body.Error);
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(TBody)));
}

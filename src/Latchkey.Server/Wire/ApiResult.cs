using System.Reflection;
using Latchkey.Core.Errors;
using Microsoft.AspNetCore.Http.Metadata;

namespace Latchkey.Server.Wire;

/// <summary>
/// What a handler returns: a <typeparamref name="T"/> as JSON (Wix conventions on Wix endpoints, the server's JSON
/// options on Latchkey's own), or a catalog error in the endpoint's <see cref="ErrorShape"/>. The success shape is in
/// the signature, so the OpenAPI document takes it from there.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find PopulateMetadata on the return type.")]
public sealed class ApiResult<T> : IResult, IEndpointMetadataProvider
{
    private readonly T? _value;
    private readonly LatchkeyError? _error;
    private readonly int _status;
    private readonly string? _location;

    internal ApiResult(T? value, LatchkeyError? error, int status = StatusCodes.Status200OK, string? location = null)
    {
        _value = value;
        _error = error;
        _status = status;
        _location = location;
    }

    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(LatchkeyError error) => new(default, error);

    public static implicit operator ApiResult<T>(Result<T> result) => result.IsSuccess ? new(result.Value, null) : new(default, result.Error);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var shape = ErrorShape.Of(httpContext);
        if (_error is not null)
        {
            return shape.ToResult(_error).ExecuteAsync(httpContext);
        }

        if (_location is not null)
        {
            httpContext.Response.Headers.Location = _location;
        }

        return (shape.Problem ? Results.Json(_value, statusCode: _status) : Results.Json(_value, WixJson.Options, statusCode: _status))
            .ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

public static class ApiResult
{
    /// <summary>A step's result, its value mapped to the response body.</summary>
    public static ApiResult<TBody> From<TValue, TBody>(Result<TValue> result, Func<TValue, TBody> body) =>
        result.IsSuccess ? body(result.Value) : result.Error;

    /// <summary>201 with a <c>Location</c>, for a created resource.</summary>
    public static ApiResult<T> Created<T>(string location, T value) => new(value, null, StatusCodes.Status201Created, location);
}

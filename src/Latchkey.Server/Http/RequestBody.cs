using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.Server.Http;

/// <summary>
/// Reads a JSON request body into a record, turning every way it can be wrong (not JSON, wrong types, too large,
/// empty) into a catalog error instead of a framework exception.
/// </summary>
public static class RequestBody
{
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return LatchkeyErrors.UnsupportedMediaType.WithDetail($"Content-Type '{contentType}' is not JSON; send application/json.");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, WixJson.Options, cancellationToken);
            return value is null ? LatchkeyErrors.MalformedBody.WithDetail("The request body must be a JSON object.") : value;
        }
        catch (JsonException e)
        {
            return LatchkeyErrors.MalformedBody.WithDetail(Describe(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(request);
        }
    }

    private static LatchkeyError TooLarge(HttpRequest request)
    {
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return LatchkeyErrors.BodyTooLarge.WithDetail(limit is null ? "The request body is too large." : $"The request body must be at most {limit} bytes.");
    }

    private static string Describe(JsonException e) => e.Path is { Length: > 1 } path
        ? $"The JSON at '{path}' is not valid for this endpoint (line {e.LineNumber + 1}, byte {e.BytePositionInLine})."
        : "The request body is not valid JSON.";
}

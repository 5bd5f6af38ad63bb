using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Server.Hosting;
using Latchkey.Server.Wire;
using Microsoft.Extensions.Options;

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

        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<LatchkeyOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        try
        {
            // Bounded read: a chunked body without Content-Length cannot exceed the limit either.
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }

            if (buffer.Length == 0)
            {
                return LatchkeyErrors.MalformedBody.WithDetail("The request body is empty; send a JSON object.");
            }

            buffer.Position = 0;
            var value = await JsonSerializer.DeserializeAsync<T>(buffer, WixJson.Options, cancellationToken);
            return value is null ? LatchkeyErrors.MalformedBody.WithDetail("The request body must be a JSON object.") : value;
        }
        catch (JsonException e)
        {
            return LatchkeyErrors.MalformedBody.WithDetail(Describe(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
    }

    private static LatchkeyError TooLarge(long limit) =>
        LatchkeyErrors.BodyTooLarge.WithDetail($"The request body must be at most {limit} bytes.");

    private static string Describe(JsonException e) => e.Path is { Length: > 1 } path
        ? $"The JSON at '{path}' is not valid for this endpoint (line {e.LineNumber + 1}, byte {e.BytePositionInLine})."
        : "The request body is not valid JSON.";
}

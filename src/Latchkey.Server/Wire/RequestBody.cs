using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Wire;

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
            if (value is null)
            {
                return LatchkeyErrors.MalformedBody.WithDetail("The request body must be a JSON object.");
            }

            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return IsText(document.RootElement) ? value : LatchkeyErrors.MalformedBody.WithDetail("The request body holds text that is not valid UTF-8 or UTF-16.");
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

    /// <summary>
    /// The parser checks structure only: invalid UTF-8 or an escaped lone surrogate inside a string passes it, and
    /// fails later, wherever the value is read, as a 500 (free-form fields such as <c>captchaTokens</c> stay
    /// <see cref="JsonElement"/>s). Reading every name and string here fails first (issue #10, found by the fuzz suite).
    /// </summary>
    public static bool IsText(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name.Length >= 0 && IsText(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsText),
                JsonValueKind.String => element.GetString() is not null,
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static LatchkeyError TooLarge(long limit) =>
        LatchkeyErrors.BodyTooLarge.WithDetail($"The request body must be at most {limit} bytes.");

    private static string Describe(JsonException e) => e.Path is { Length: > 1 } path
        ? $"The JSON at '{path}' is not valid for this endpoint (line {e.LineNumber + 1}, byte {e.BytePositionInLine})."
        : "The request body is not valid JSON.";
}

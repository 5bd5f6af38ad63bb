using System.Text.Json;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The two token requests the fast path serves (ADR 0025), exactly as the Wix SDK sends them: a JSON object of string
/// members <c>clientId</c> and <c>grantType</c>, and <c>refreshToken</c> for a refresh. Anything else (a form, another
/// member, a duplicate, a number, a body over 4 KiB or of unknown length, an Authorization header) is not read here and
/// goes to OpenIddict whole.
/// </summary>
public sealed record FastTokenRequest(string ClientId, string GrantType, string? RefreshToken)
{
    private const int MaxBody = 4096;

    /// <summary>
    /// Reads a candidate body. The request's body is then the bytes read, for OpenIddict to read from the start when the
    /// request goes there after all. A body of unknown length (chunked) is not read at all: buffering it would let a
    /// stranger's large upload reach the disk, and the SDK's fetch always sends a length.
    /// </summary>
    public static async Task<FastTokenRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A client that also authenticates in a header (OpenIddict reads Basic credentials over the body's client id)
        // is OpenIddict's to answer.
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength is not (> 0 and <= MaxBody) ||
            !request.HasJsonContentType() || !request.Host.HasValue || request.Headers.Authorization.Count > 0)
        {
            return null;
        }

        var body = new byte[(int)request.ContentLength.Value];
        int read;
        try
        {
            read = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            // A body that cannot be read: OpenIddict's extractor reads nothing and answers invalid_request.
            request.Body = Stream.Null;
            return null;
        }

        request.Body = new MemoryStream(body, 0, read, writable: false);
        return read == body.Length ? Parse(body) : null;
    }

    private static FastTokenRequest? Parse(ReadOnlySpan<byte> body)
    {
        string? clientId = null, grantType = null, refreshToken = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ref var slot = ref clientId;
                if (reader.ValueTextEquals("clientId"u8))
                {
                    slot = ref clientId;
                }
                else if (reader.ValueTextEquals("grantType"u8))
                {
                    slot = ref grantType;
                }
                else if (reader.ValueTextEquals("refreshToken"u8))
                {
                    slot = ref refreshToken;
                }
                else
                {
                    return null;
                }

                if (slot is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                slot = reader.GetString();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-8: OpenIddict's side answers it (JsonTokenRequestExtractor).
            return null;
        }

        return clientId is { Length: > 0 } && grantType is { Length: > 0 } ? new FastTokenRequest(clientId, grantType, refreshToken) : null;
    }
}

using System.Text.Json;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The two token requests the fast path serves (ADR 0025), exactly as the Wix SDK sends them: a JSON object of string
/// members <c>clientId</c> and <c>grantType</c>, and <c>refreshToken</c> for a refresh. Anything else (a form, another
/// member, a duplicate, a number, a body over 4 KiB or of unknown length) is not read here and goes to OpenIddict whole.
/// </summary>
public sealed record FastTokenRequest(string ClientId, string GrantType, string? RefreshToken)
{
    private const int MaxBody = 4096;

    /// <summary>
    /// Reads a candidate body. The request's body is left to be read again from the start, for OpenIddict when the
    /// request goes there after all: a body of known length is kept as the bytes read; one of unknown length (a chunked
    /// upload) is buffered by ASP.NET Core.
    /// </summary>
    public static async Task<FastTokenRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(request.Method) || !request.HasJsonContentType() || !request.Host.HasValue ||
            request.ContentLength is <= 0 or > MaxBody)
        {
            return null;
        }

        try
        {
            if (request.ContentLength is { } length)
            {
                var body = new byte[(int)length];
                var read = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
                request.Body = new MemoryStream(body, 0, read, writable: false);
                return read == body.Length ? Parse(body) : null;
            }

            request.EnableBuffering(MaxBody + 1);
            var chunked = new byte[MaxBody + 1];
            var total = await request.Body.ReadAtLeastAsync(chunked, chunked.Length, throwOnEndOfStream: false, cancellationToken);
            request.Body.Position = 0;
            return total <= MaxBody ? Parse(chunked.AsSpan(0, total)) : null;
        }
        catch (BadHttpRequestException)
        {
            // A body that cannot be read: OpenIddict's extractor reads what is left and answers invalid_request.
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }

            return null;
        }
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

using System.Text.Json;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Members;
using Latchkey.Core.Sites;

namespace Latchkey.Server.AbuseProtection;

/// <summary>Builds the <see cref="GuardedRequest"/> of an HTTP request: the peer address and the Wix <c>captchaTokens</c>.</summary>
public static class GuardedRequests
{
    public static GuardedRequest For(HttpRequest request, Site site, GuardedAction action, string? email, JsonElement? captchaTokens) =>
        new(site, action, NormalizedOrNull(email), Peer(request.HttpContext.Connection.RemoteIpAddress), Tokens(captchaTokens));

    /// <summary>
    /// The address a client is counted by: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, since one
    /// subscriber holds a whole /64 and could otherwise give every request a fresh address.
    /// </summary>
    public static string? Peer(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>
    /// <c>captchaTokens</c> is an array of one-of objects (<c>[{"Recaptcha": "…", "InvisibleRecaptcha": "…"}]</c>,
    /// docs/wire/captcha.md#the-captchatokens-field); each key of each element is one token.
    /// <c>recaptchaForClientSiteKey</c> holds <c>{token, siteKeyId}</c>. Anything else is ignored, as a missing token.
    /// </summary>
    public static IReadOnlyList<CaptchaToken> Tokens(JsonElement? captchaTokens)
    {
        if (captchaTokens is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }

        var tokens = new List<CaptchaToken>();
        foreach (var element in array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Take(8))
        {
            foreach (var property in element.EnumerateObject().Take(8))
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Object when property.Value.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String => token.GetString(),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(value))
                {
                    tokens.Add(new CaptchaToken(property.Name, value));
                }
            }
        }

        return tokens;
    }

    private static string? NormalizedOrNull(string? email)
    {
        var parsed = EmailAddress.Parse(email);
        return parsed.IsSuccess ? parsed.Value.Normalized : null;
    }
}

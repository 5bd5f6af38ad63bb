using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.Core.Sites;
using Latchkey.Server.Configuration;

namespace Latchkey.Server.AbuseProtection;

/// <summary>An ALTCHA challenge as the widget fetches it (<c>challengeurl</c>).</summary>
public sealed record AltchaChallenge(string Algorithm, string Challenge, int Maxnumber, string Salt, string Signature);

/// <summary>
/// Latchkey's built-in proof of work, compatible with the ALTCHA widget: the client must find the number n ≤
/// maxnumber with SHA-256(salt + n) = challenge. The challenge is HMAC-signed with a per-site key derived from the
/// master key, so no state is kept until a solution arrives; the salt carries its expiry (<c>?expires=</c>, as
/// ALTCHA does), and a solved challenge is recorded so it cannot be used twice.
/// </summary>
public sealed class AltchaChallenges(MasterKey masterKey, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public AltchaChallenge Create(Site site)
    {
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var salt = $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}?expires={expires}";
        var number = RandomNumberGenerator.GetInt32(0, site.Captcha.AltchaMaxNumber + 1);
        var challenge = Sha256Hex(salt + number.ToString(CultureInfo.InvariantCulture));
        return new AltchaChallenge("SHA-256", challenge, site.Captcha.AltchaMaxNumber, salt, Sign(site, challenge));
    }

    /// <summary>Checks a widget payload (base64 of JSON); answers the replay digest and expiry when it is a valid solution.</summary>
    public (string Digest, DateTimeOffset ExpiresAt)? Check(Site site, string payload)
    {
        Solution? solution;
        try
        {
            solution = JsonSerializer.Deserialize<Solution>(Convert.FromBase64String(payload), JsonSerializerOptions.Web);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        if (solution is not { Algorithm: "SHA-256", Challenge: { Length: 64 } challenge, Salt: { } salt, Signature: { } signature, Number: >= 0 } ||
            ExpiresAt(salt) is not { } expiresAt || expiresAt <= clock.GetUtcNow() ||
            solution.Number > site.Captcha.AltchaMaxNumber)
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(site, challenge));
        var computed = Encoding.ASCII.GetBytes(Sha256Hex(salt + solution.Number.ToString(CultureInfo.InvariantCulture)));
        var signatureOk = CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
        var workOk = CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(challenge.ToLowerInvariant()));
        return signatureOk && workOk ? (challenge.ToLowerInvariant(), expiresAt) : null;
    }

    private static DateTimeOffset? ExpiresAt(string salt)
    {
        var at = salt.IndexOf("?expires=", StringComparison.Ordinal);
        return at >= 0 && long.TryParse(salt.AsSpan(at + 9), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) &&
               seconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    private string Sign(Site site, string challenge) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(masterKey.Derive($"altcha/{site.Id}/v1"), Encoding.ASCII.GetBytes(challenge)));

    private static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private sealed record Solution(string? Algorithm, string? Challenge, long Number, string? Salt, string? Signature);
}

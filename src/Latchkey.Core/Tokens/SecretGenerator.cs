using System.Buffers.Text;
using System.Security.Cryptography;

namespace Latchkey.Core.Tokens;

/// <summary>The one source of secrets: 256 random bits from the OS CSPRNG, base64url without padding.</summary>
public static class SecretGenerator
{
    public static string NewToken(int bytes = 32) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A uniformly random numeric code (email codes), without modulo bias.</summary>
    public static string NewNumericCode(int digits = 6) =>
        RandomNumberGenerator.GetInt32(0, (int)Math.Pow(10, digits)).ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture);
}

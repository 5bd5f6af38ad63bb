using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Tokens;

/// <summary>
/// Secrets at rest are HMAC-SHA-256 digests under a server key, never the secret itself. Looking a token up by its
/// digest means the database never compares secrets, and a stolen database cannot replay one. Each digest is stored
/// with the key version that made it, so the key can rotate.
/// </summary>
public sealed class TokenHasher
{
    private readonly IReadOnlyDictionary<int, byte[]> _keys;

    public TokenHasher(IReadOnlyDictionary<int, byte[]> keys, int currentVersion)
    {
        if (!keys.ContainsKey(currentVersion))
        {
            throw new ArgumentException("The current key version has no key.", nameof(currentVersion));
        }

        _keys = keys;
        CurrentVersion = currentVersion;
    }

    public int CurrentVersion { get; }

    /// <summary>Builds the hasher from the master key: the HMAC key is derived with HKDF, never stored.</summary>
    public static TokenHasher FromMasterKey(ReadOnlySpan<byte> masterKey)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, salt: [], info: "latchkey/token-hmac/v1"u8.ToArray());
        return new TokenHasher(new Dictionary<int, byte[]> { [1] = key }, 1);
    }

    public byte[] Hash(string token) => Hash(token, CurrentVersion);

    public byte[] Hash(string token, int version) =>
        HMACSHA256.HashData(_keys[version], Encoding.UTF8.GetBytes(token));

    /// <summary>Fixed-time comparison of a presented token with a stored digest.</summary>
    public bool Matches(string token, byte[] storedHash, int version) =>
        _keys.ContainsKey(version) && CryptographicOperations.FixedTimeEquals(Hash(token, version), storedHash);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Passwords.Imported;
/// <summary>
/// Firebase Authentication's modified scrypt, as its published reference (firebase/scrypt) computes it: the key
/// derived by scrypt(password, salt ‖ separator, N = 2^mem_cost, r = rounds, p = 1, 64 bytes) encrypts the project's
/// signer key with AES-256-CTR (first 32 bytes of the derived key, counter from zero); the result is the hash.
/// Stored as <c>$firebase-scrypt$ln=&lt;mem_cost&gt;,r=&lt;rounds&gt;$signerKey$separator$salt$hash</c> (standard base64),
/// so each member carries what verifying needs.
/// </summary>
public sealed class FirebaseScryptVerifier : IImportedHashVerifier
{
    public const string Prefix = "$firebase-scrypt$";

    public string Format => "firebase-scrypt";

    public bool Recognizes(string storedHash) => storedHash.StartsWith(Prefix, StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) => TryParse(storedHash, out _);

    /// <summary>The stored form of one exported Firebase user (its <c>passwordHash</c> and <c>salt</c>).</summary>
    public static string Compose(FirebaseScryptParameters parameters, string passwordHash, string salt) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}ln={parameters.MemCost},r={parameters.Rounds}${parameters.SignerKey}${parameters.SaltSeparator}${salt}${passwordHash}");

    public bool Verify(string password, string storedHash)
    {
        if (!TryParse(storedHash, out var parsed))
        {
            return false;
        }

        var salt = new byte[parsed.Salt.Length + parsed.Separator.Length];
        parsed.Salt.CopyTo(salt, 0);
        parsed.Separator.CopyTo(salt, parsed.Salt.Length);
        var derived = Scrypt.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, 1L << parsed.MemCost, parsed.Rounds, 1, 64);
        var actual = AesCtr(derived.AsSpan(0, 32), parsed.SignerKey);
        CryptographicOperations.ZeroMemory(derived);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
    }

    /// <summary>AES-256-CTR with a zero initial counter (a 128-bit big-endian block counter, as OpenSSL's).</summary>
    private static byte[] AesCtr(ReadOnlySpan<byte> key, byte[] input)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var output = new byte[input.Length];
        var counter = new byte[16];
        var stream = new byte[16];
        for (var offset = 0; offset < input.Length; offset += 16)
        {
            aes.EncryptEcb(counter, stream, PaddingMode.None);
            for (var i = 0; i < 16 && offset + i < input.Length; i++)
            {
                output[offset + i] = (byte)(input[offset + i] ^ stream[i]);
            }

            for (var i = 15; i >= 0 && ++counter[i] == 0; i--)
            {
            }
        }

        return output;
    }

    private readonly record struct Parsed(int MemCost, int Rounds, byte[] SignerKey, byte[] Separator, byte[] Salt, byte[] Hash);

    private static bool TryParse(string storedHash, out Parsed parsed)
    {
        parsed = default;
        var parts = storedHash.Split('$');
        if (parts is not ["", "firebase-scrypt", var parameters, var key, var separator, var salt, var hash] ||
            PhcParameters.Parse(parameters) is not { } values ||
            !values.TryGetValue("ln", out var memCost) || memCost is < 1 or > 30 ||
            !values.TryGetValue("r", out var rounds) || rounds is < 1 or > 64 ||
            !Scrypt.ParametersAreValid(1L << (int)memCost, (int)rounds, 1) ||
            !FirebaseScryptParameters.TryBase64(key, out var keyBytes) || keyBytes.Length == 0 ||
            !FirebaseScryptParameters.TryBase64(separator, out var separatorBytes) ||
            !FirebaseScryptParameters.TryBase64(salt, out var saltBytes) || saltBytes.Length == 0 ||
            !FirebaseScryptParameters.TryBase64(hash, out var hashBytes) || hashBytes.Length != keyBytes.Length)
        {
            return false;
        }

        parsed = new Parsed((int)memCost, (int)rounds, keyBytes, separatorBytes, saltBytes, hashBytes);
        return true;
    }
}

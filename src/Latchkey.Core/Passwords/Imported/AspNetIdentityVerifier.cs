using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// ASP.NET Core Identity's <c>PasswordHasher&lt;T&gt;</c> output, stored as <c>$aspnet-identity$</c> + its base64.
/// Version 2 (marker 0x00): PBKDF2-HMAC-SHA1, 1,000 iterations, 16-byte salt, 32-byte subkey. Version 3 (0x01): a
/// header of PRF (0 SHA-1, 1 SHA-256, 2 SHA-512), iteration count and salt length, all big-endian uint32, then
/// salt and subkey. The prefix is Latchkey's, added on import: the bare base64 has no marker a reader could trust.
/// </summary>
public sealed class AspNetIdentityVerifier : IImportedHashVerifier
{
    public const string Prefix = "$aspnet-identity$";

    public string Format => "aspnet-identity";

    public bool Recognizes(string storedHash) => storedHash.StartsWith(Prefix, StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) => TryParse(storedHash, out _);

    public bool Verify(string password, string storedHash)
    {
        if (!TryParse(storedHash, out var parsed))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), parsed.Salt, parsed.Iterations, parsed.Prf, parsed.Subkey.Length);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Subkey);
    }

    private readonly record struct Parsed(HashAlgorithmName Prf, int Iterations, byte[] Salt, byte[] Subkey);

    private static bool TryParse(string storedHash, out Parsed parsed)
    {
        parsed = default;
        if (!storedHash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(storedHash[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes is [0x00, ..] && bytes.Length == 1 + 16 + 32)
        {
            parsed = new Parsed(HashAlgorithmName.SHA1, 1000, bytes[1..17], bytes[17..]);
            return true;
        }

        if (bytes is not [0x01, ..] || bytes.Length < 13)
        {
            return false;
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA512,
            _ => null,
        };
        // Identity itself refuses salts under 128 bits and subkeys under 128 bits; the subkey's length is PBKDF2's cost
        // multiplier, so it is capped too. The salt length is compared as a long: a uint sum could wrap past the check.
        var subkeyLength = bytes.Length - 13L - saltLength;
        if (algorithm is null || iterations is < Pbkdf2Verifier.MinIterations or > Pbkdf2Verifier.MaxIterations ||
            saltLength < 16 || subkeyLength is < 16 or > ImportedHashLimits.MaxOutputBytes)
        {
            return false;
        }

        var saltEnd = 13 + (int)saltLength;
        parsed = new Parsed(algorithm.Value, (int)iterations, bytes[13..saltEnd], bytes[saltEnd..]);
        return true;
    }
}

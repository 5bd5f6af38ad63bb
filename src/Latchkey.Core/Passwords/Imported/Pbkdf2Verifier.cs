using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// PBKDF2 in the PHC form <c>$pbkdf2-sha256$i=310000$salt$hash</c> (also <c>$pbkdf2-sha1$</c>, <c>$pbkdf2-sha512$</c>)
/// and in passlib's form, which writes the bare iteration count (<c>$pbkdf2-sha256$29000$…</c>) and the adapted
/// base64 alphabet. The hash length is the stored hash's length, at most <see cref="ImportedHashLimits.MaxOutputBytes"/>.
/// </summary>
public sealed class Pbkdf2Verifier : IImportedHashVerifier
{
    /// <summary>The bounds an imported PBKDF2 count must lie in (<see cref="ImportedHashLimits"/>); outside them it is refused at import.</summary>
    public const int MaxIterations = ImportedHashLimits.MaxPbkdf2Iterations;

    public const int MinIterations = ImportedHashLimits.MinPbkdf2Iterations;

    public string Format => "pbkdf2";

    public bool Recognizes(string storedHash) =>
        storedHash.StartsWith("$pbkdf2-", StringComparison.Ordinal) || storedHash.StartsWith("$pbkdf2$", StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) => TryParse(storedHash, out _);

    public bool Verify(string password, string storedHash)
    {
        if (!TryParse(storedHash, out var parsed))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), parsed.Salt, parsed.Iterations, parsed.Prf, parsed.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
    }

    private readonly record struct Parsed(HashAlgorithmName Prf, int Iterations, byte[] Salt, byte[] Hash);

    private static bool TryParse(string storedHash, out Parsed parsed)
    {
        parsed = default;
        // "", "pbkdf2-sha256", "i=1000" or "1000", salt, hash
        var parts = storedHash.Split('$');
        if (parts.Length != 5 || parts[0].Length != 0)
        {
            return false;
        }

        HashAlgorithmName? prf = parts[1] switch
        {
            "pbkdf2-sha1" or "pbkdf2" => HashAlgorithmName.SHA1,
            "pbkdf2-sha256" => HashAlgorithmName.SHA256,
            "pbkdf2-sha512" => HashAlgorithmName.SHA512,
            _ => null,
        };
        var count = parts[2].StartsWith("i=", StringComparison.Ordinal) ? parts[2][2..] : parts[2];
        if (prf is null ||
            !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) ||
            iterations is < MinIterations or > MaxIterations ||
            !PhcBase64.TryDecode(parts[3], out var salt) ||
            !PhcBase64.TryDecode(parts[4], out var hash) || hash.Length is < 16 or > ImportedHashLimits.MaxOutputBytes)
        {
            return false;
        }

        parsed = new Parsed(prf.Value, iterations, salt, hash);
        return true;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// Standard scrypt in the PHC form passlib writes: <c>$scrypt$ln=14,r=8,p=1$salt$hash</c>, where N = 2^ln and the
/// hash length is the stored hash's length.
/// </summary>
public sealed class ScryptVerifier : IImportedHashVerifier
{
    public string Format => "scrypt";

    public bool Recognizes(string storedHash) => storedHash.StartsWith("$scrypt$", StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) => TryParse(storedHash, out _);

    public bool Verify(string password, string storedHash)
    {
        if (!TryParse(storedHash, out var parsed))
        {
            return false;
        }

        var actual = Scrypt.DeriveBytes(Encoding.UTF8.GetBytes(password), parsed.Salt, parsed.N, parsed.R, parsed.P, parsed.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
    }

    private readonly record struct Parsed(long N, int R, int P, byte[] Salt, byte[] Hash);

    private static bool TryParse(string storedHash, out Parsed parsed)
    {
        parsed = default;
        var parts = storedHash.Split('$');
        if (parts is not ["", "scrypt", var parameters, var salt, var hash] ||
            PhcParameters.Parse(parameters) is not { } values ||
            !values.TryGetValue("ln", out var ln) || ln is < 1 or > 30 ||
            !values.TryGetValue("r", out var r) || !values.TryGetValue("p", out var p) ||
            r > int.MaxValue || p > int.MaxValue ||
            !Scrypt.ParametersAreValid(1L << (int)ln, (int)r, (int)p) ||
            !PhcBase64.TryDecode(salt, out var saltBytes) ||
            !PhcBase64.TryDecode(hash, out var hashBytes) || hashBytes.Length is < 16 or > ImportedHashLimits.MaxOutputBytes)
        {
            return false;
        }

        parsed = new Parsed(1L << (int)ln, (int)r, (int)p, saltBytes, hashBytes);
        return true;
    }
}

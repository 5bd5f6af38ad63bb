using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// Argon2i (version 0x13) in PHC form, <c>$argon2i$v=19$m=65536,t=3,p=4$salt$hash</c>, any cost within <see cref="ImportedHashLimits"/>.
/// Managed (Konscious) because libsodium's verifier refuses Argon2i with t &lt; 3, which other libraries write.
/// Imported Argon2id strings need no verifier here: <see cref="PasswordHasher"/> verifies them with libsodium and
/// rehashes them when their parameters differ from the site's.
/// </summary>
public sealed class Argon2iVerifier : IImportedHashVerifier
{
    public string Format => "argon2i";

    public bool Recognizes(string storedHash) => storedHash.StartsWith("$argon2i$", StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) => TryParse(storedHash, out _);

    public bool Verify(string password, string storedHash)
    {
        // Konscious refuses an empty password; login never passes one, and no member could have had one.
        if (password.Length == 0 || !TryParse(storedHash, out var parsed))
        {
            return false;
        }

        using var argon2 = new Argon2i(Encoding.UTF8.GetBytes(password))
        {
            Salt = parsed.Salt,
            MemorySize = parsed.MemoryKiB,
            Iterations = parsed.Iterations,
            DegreeOfParallelism = parsed.Parallelism,
        };
        return CryptographicOperations.FixedTimeEquals(argon2.GetBytes(parsed.Hash.Length), parsed.Hash);
    }

    private readonly record struct Parsed(int MemoryKiB, int Iterations, int Parallelism, byte[] Salt, byte[] Hash);

    private static bool TryParse(string storedHash, out Parsed parsed)
    {
        parsed = default;
        var parts = storedHash.Split('$');
        if (parts is not ["", "argon2i", "v=19", var parameters, var salt, var hash] ||
            PhcParameters.Parse(parameters) is not { } values ||
            !values.TryGetValue("m", out var m) || !values.TryGetValue("t", out var t) || !values.TryGetValue("p", out var p) ||
            p is < 1 or > ImportedHashLimits.MaxArgon2Parallelism || t is < 1 or > ImportedHashLimits.MaxArgon2Iterations ||
            m < 8 * p || m > ImportedHashLimits.MaxArgon2MemoryKiB ||
            !PhcBase64.TryDecode(salt, out var saltBytes) || saltBytes.Length < 8 ||
            !PhcBase64.TryDecode(hash, out var hashBytes) || hashBytes.Length is < 4 or > ImportedHashLimits.MaxOutputBytes)
        {
            return false;
        }

        parsed = new Parsed((int)m, (int)t, (int)p, saltBytes, hashBytes);
        return true;
    }
}

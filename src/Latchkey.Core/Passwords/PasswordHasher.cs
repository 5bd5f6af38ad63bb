using System.Collections.Concurrent;
using System.Security.Cryptography;
using Geralt;
using Latchkey.Core.Errors;
using Latchkey.Core.Passwords.Imported;

namespace Latchkey.Core.Passwords;

/// <summary>The outcome of checking a password against a stored hash.</summary>
public readonly record struct PasswordCheck(bool Matches, bool NeedsRehash);

/// <summary>
/// Argon2id through libsodium (Geralt), PHC strings, behind the <see cref="HashingGate"/>. Verifying against no hash
/// (unknown email, password-less member) still costs one hash, so timing does not tell whether an account exists.
/// Hashes imported from other systems are verified by their own format (<see cref="ImportedHashes"/>) in slots of
/// their own, and report <see cref="PasswordCheck.NeedsRehash"/> on a match, so the login step stores Argon2id in their
/// place. On a site that holds imported hashes every check does the same work (issue #21): an imported member's check
/// also runs the Argon2id dummy, and everyone else's also runs the site's imported dummy, each when a slot is free at
/// once (a dummy never makes anyone wait or be turned away).
/// </summary>
public sealed class PasswordHasher(HashingGates gates)
{
    private readonly ConcurrentDictionary<HashParameters, string> _dummyHashes = new();

    public PasswordHasher(HashingGate gate)
        : this(new HashingGates(gate, new HashingGate(HashingOptions.ImportedDefaults(), "imported")))
    {
    }

    public async ValueTask<Result<string>> HashAsync(string password, HashParameters parameters, CancellationToken cancellationToken)
    {
        using var lease = await gates.Argon2id.TryEnterAsync(cancellationToken);
        if (lease is null)
        {
            return Busy(gates.Argon2id);
        }

        return Hash(PasswordText.ToBytes(password), parameters);
    }

    /// <param name="password">The password as typed.</param>
    /// <param name="storedHash">The member's hash; null for an unknown email or a member without a password.</param>
    /// <param name="parameters">The site's Argon2id cost (the dummy's, and the rehash test's).</param>
    /// <param name="cancellationToken">Cancels waiting for a slot.</param>
    /// <param name="importedDummy">The site's <see cref="Sites.Site.ImportedDummyHash"/>, when it holds imported hashes.</param>
    public async ValueTask<Result<PasswordCheck>> VerifyAsync(
        string password, string? storedHash, HashParameters parameters, CancellationToken cancellationToken, string? importedDummy = null)
    {
        var bytes = PasswordText.ToBytes(password);
        var isArgon2id = storedHash is not null && storedHash.StartsWith("$argon2id$", StringComparison.Ordinal);
        var imported = isArgon2id ? null : ImportedHashes.Find(storedHash);
        var dummy = _dummyHashes.GetOrAdd(parameters, DummyHash);
        // An Argon2id hash that costs more than the site's own (an import from a system with other parameters) is an
        // imported hash as far as cost goes: it verifies in the imported slots too.
        var costlyArgon2id = isArgon2id && CostsMore(storedHash!, parameters);

        if (imported is not null || costlyArgon2id)
        {
            // A hash brought in by an import (bcrypt, PBKDF2, scrypt, ...): it costs what it costs (within the import's
            // ceilings) in its own slots, a wrong password is an ordinary mismatch, and a match is always rehashed to
            // the site's Argon2id. Then the Argon2id dummy, as everyone else's check runs Argon2id.
            bool importedMatches;
            using (var lease = await gates.Imported.TryEnterAsync(cancellationToken))
            {
                if (lease is null)
                {
                    return Busy(gates.Imported);
                }

                importedMatches = imported?.Verify(password, storedHash!) ?? Argon2id.VerifyHash(storedHash!, bytes);
            }

            using (var spare = gates.Argon2id.TryEnterNow())
            {
                if (spare is not null)
                {
                    Argon2id.VerifyHash(dummy, bytes);
                }
            }

            return new PasswordCheck(importedMatches, importedMatches);
        }

        bool matches;
        using (var lease = await gates.Argon2id.TryEnterAsync(cancellationToken))
        {
            if (lease is null)
            {
                return Busy(gates.Argon2id);
            }

            matches = Argon2id.VerifyHash(isArgon2id ? storedHash! : dummy, bytes);
        }

        if (importedDummy is not null && ImportedHashes.Find(importedDummy) is { } dummyVerifier)
        {
            using var spare = gates.Imported.TryEnterNow();
            if (spare is not null)
            {
                dummyVerifier.Verify(password, importedDummy);
            }
        }

        if (!isArgon2id)
        {
            return new PasswordCheck(false, false);
        }

        return new PasswordCheck(matches, matches && Argon2id.NeedsRehash(storedHash!, parameters.Iterations, parameters.MemoryKiB * 1024));
    }

    /// <summary>Whether an Argon2id PHC string asks for more memory × passes than the site's parameters.</summary>
    private static bool CostsMore(string phc, HashParameters parameters)
    {
        var fields = phc.Split('$');
        if (fields.Length < 4)
        {
            return false;
        }

        long memory = 0, passes = 0;
        foreach (var pair in fields[3].Split(','))
        {
            if (pair.StartsWith("m=", StringComparison.Ordinal))
            {
                _ = long.TryParse(pair.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out memory);
            }
            else if (pair.StartsWith("t=", StringComparison.Ordinal))
            {
                _ = long.TryParse(pair.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out passes);
            }
        }

        return memory * passes > (long)parameters.MemoryKiB * parameters.Iterations;
    }

    private static LatchkeyError Busy(HashingGate gate) => LatchkeyErrors.HashingBusy with { RetryAfterSeconds = gate.RetryAfterSeconds };

    private static string Hash(ReadOnlySpan<byte> password, HashParameters parameters)
    {
        Span<char> buffer = stackalloc char[Argon2id.HashSize];
        Argon2id.ComputeHash(buffer, password, parameters.Iterations, parameters.MemoryKiB * 1024);
        var end = buffer.IndexOf('\0');
        return new string(end < 0 ? buffer : buffer[..end]);
    }

    private static string DummyHash(HashParameters parameters) =>
        Hash(RandomNumberGenerator.GetBytes(32), parameters);
}

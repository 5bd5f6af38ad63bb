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
/// Hashes imported from other systems are verified by their own format (<see cref="ImportedHashes"/>) and report
/// <see cref="PasswordCheck.NeedsRehash"/> on a match, so the login step stores Argon2id in their place.
/// </summary>
public sealed class PasswordHasher(HashingGate gate)
{
    private readonly ConcurrentDictionary<HashParameters, string> _dummyHashes = new();

    public async ValueTask<Result<string>> HashAsync(string password, HashParameters parameters, CancellationToken cancellationToken)
    {
        using var lease = await gate.TryEnterAsync(cancellationToken);
        if (lease is null)
        {
            return Busy();
        }

        return Hash(PasswordText.ToBytes(password), parameters);
    }

    public async ValueTask<Result<PasswordCheck>> VerifyAsync(
        string password, string? storedHash, HashParameters parameters, CancellationToken cancellationToken)
    {
        var bytes = PasswordText.ToBytes(password);
        var isArgon2id = storedHash is not null && storedHash.StartsWith("$argon2id$", StringComparison.Ordinal);
        var imported = isArgon2id ? null : ImportedHashes.Find(storedHash);
        var hash = isArgon2id ? storedHash! : _dummyHashes.GetOrAdd(parameters, DummyHash);

        using var lease = await gate.TryEnterAsync(cancellationToken);
        if (lease is null)
        {
            return Busy();
        }

        if (imported is not null)
        {
            // A hash brought in by an import (bcrypt, PBKDF2, scrypt, ...): it costs what it costs inside the gate, a
            // wrong password is an ordinary mismatch, and a match is always rehashed to the site's Argon2id.
            var importedMatches = imported.Verify(password, storedHash!);
            return new PasswordCheck(importedMatches, importedMatches);
        }

        var matches = Argon2id.VerifyHash(hash, bytes);
        if (!isArgon2id)
        {
            return new PasswordCheck(false, false);
        }

        return new PasswordCheck(matches, matches && Argon2id.NeedsRehash(hash, parameters.Iterations, parameters.MemoryKiB * 1024));
    }

    private LatchkeyError Busy() => LatchkeyErrors.HashingBusy with { RetryAfterSeconds = gate.RetryAfterSeconds };

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

using System.Text.RegularExpressions;
using Latchkey.Core.Members;
using Latchkey.Core.Passwords.Imported;

namespace Latchkey.Core.Features.Import;

/// <summary>
/// Turns a row's hash (and format, and Firebase salt) into the string Latchkey stores, which names its format by
/// prefix, or says why it cannot. Nothing is hashed here: the hash is stored as given and verified on first login.
/// </summary>
public static partial class ImportedPasswordHash
{
    public static (string? Stored, string? Problem) ToStored(ImportRecord record, FirebaseScryptParameters? firebase)
    {
        var hash = record.PasswordHash?.Trim();
        if (string.IsNullOrEmpty(hash))
        {
            return string.IsNullOrEmpty(record.HashFormat) ? (null, null) : (null, "hashFormat is given but passwordHash is empty");
        }

        var format = record.HashFormat?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(format))
        {
            format = Guess(hash, record, firebase);
            if (format is null)
            {
                return (null, "unknown hash format (set hashFormat)");
            }
        }

        // The column's width; no real hash comes near it, and a longer one would fail the whole batch's insert.
        if (hash.Length > Member.MaxPasswordHashLength)
        {
            return (null, $"passwordHash is longer than {Member.MaxPasswordHashLength} characters");
        }

        string stored;
        switch (format)
        {
            case "argon2id":
                return Argon2idShape().Match(hash) is { Success: true } argon2 &&
                    Number(argon2, 1) <= ImportedHashLimits.MaxArgon2MemoryKiB &&
                    Number(argon2, 2) is >= 1 and <= ImportedHashLimits.MaxArgon2Iterations &&
                    Number(argon2, 3) is >= 1 and <= ImportedHashLimits.MaxArgon2Parallelism
                    ? (hash, null)
                    : (null, "passwordHash is not a valid argon2id hash (or its cost is above the limit)");
            case "aspnet-identity":
                stored = hash.StartsWith(AspNetIdentityVerifier.Prefix, StringComparison.Ordinal) ? hash : AspNetIdentityVerifier.Prefix + hash;
                break;
            case "firebase-scrypt" when !hash.StartsWith(FirebaseScryptVerifier.Prefix, StringComparison.Ordinal):
                if (firebase is null)
                {
                    return (null, "firebase-scrypt needs the project's hash parameters (--firebase-signer-key and the rest)");
                }

                if (string.IsNullOrEmpty(record.PasswordSalt))
                {
                    return (null, "firebase-scrypt needs passwordSalt");
                }

                stored = FirebaseScryptVerifier.Compose(firebase, hash, record.PasswordSalt.Trim());
                break;
            default:
                stored = hash;
                break;
        }

        var verifier = ImportedHashes.ByFormat(format);
        if (verifier is null)
        {
            return (null, $"unknown hashFormat '{record.HashFormat}'");
        }

        if (!verifier.Recognizes(stored) || !verifier.IsWellFormed(stored))
        {
            return (null, $"passwordHash is not a valid {verifier.Format} hash (or its cost is above the limit)");
        }

        // Composing (Identity's prefix, Firebase's parameters) lengthens the hash: the stored form must fit too.
        if (stored.Length > Member.MaxPasswordHashLength)
        {
            return (null, $"passwordHash is longer than {Member.MaxPasswordHashLength} characters once stored");
        }

        return (stored, null);
    }

    private static string? Guess(string hash, ImportRecord record, FirebaseScryptParameters? firebase)
    {
        if (hash.StartsWith("$argon2id$", StringComparison.Ordinal))
        {
            return "argon2id";
        }

        if (ImportedHashes.Find(hash) is { } verifier)
        {
            return verifier.Format;
        }

        if (firebase is not null && !string.IsNullOrEmpty(record.PasswordSalt))
        {
            return "firebase-scrypt";
        }

        // A bare base64 string whose first byte is Identity's version marker and whose layout parses.
        return ImportedHashes.ByFormat("aspnet-identity")!.IsWellFormed(AspNetIdentityVerifier.Prefix + hash) ? "aspnet-identity" : null;
    }

    private static long Number(Match match, int group) =>
        long.Parse(match.Groups[group].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// libsodium verifies any Argon2id cost; <see cref="ImportedHashLimits"/> keep one login from taking the machine.
    /// The hash part is 16 to 64 bytes (22 to 86 base64 characters).
    /// </summary>
    [GeneratedRegex(@"^\$argon2id\$v=19\$m=([0-9]{1,7}),t=([0-9]{1,3}),p=([0-9]{1,2})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,86}$")]
    private static partial Regex Argon2idShape();
}

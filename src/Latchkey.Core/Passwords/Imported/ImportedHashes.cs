namespace Latchkey.Core.Passwords.Imported;

/// <summary>Every foreign format Latchkey verifies, chosen by the stored hash's prefix.</summary>
public static class ImportedHashes
{
    public static IReadOnlyList<IImportedHashVerifier> All { get; } =
    [
        new BcryptVerifier(),
        new AspNetIdentityVerifier(),
        new Pbkdf2Verifier(),
        new ScryptVerifier(),
        new FirebaseScryptVerifier(),
        new Argon2iVerifier(),
    ];

    /// <summary>The verifier for this stored hash, or null (Argon2id, no hash, or an unknown format).</summary>
    public static IImportedHashVerifier? Find(string? storedHash)
    {
        if (string.IsNullOrEmpty(storedHash))
        {
            return null;
        }

        foreach (var verifier in All)
        {
            if (verifier.Recognizes(storedHash))
            {
                return verifier;
            }
        }

        return null;
    }

    /// <summary>The verifier named by an import file's <c>hashFormat</c> (case-insensitive), or null.</summary>
    public static IImportedHashVerifier? ByFormat(string format)
    {
        foreach (var verifier in All)
        {
            if (string.Equals(verifier.Format, format, StringComparison.OrdinalIgnoreCase))
            {
                return verifier;
            }
        }

        return null;
    }
}

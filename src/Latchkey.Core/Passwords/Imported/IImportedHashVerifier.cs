namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// Verifies one foreign password-hash format that members brought with them from another system. Latchkey never
/// makes these hashes: a match on login is rehashed to the site's Argon2id at once.
/// </summary>
public interface IImportedHashVerifier
{
    /// <summary>The <c>hashFormat</c> name in import files, e.g. <c>bcrypt</c>.</summary>
    string Format { get; }

    /// <summary>True when the stored string carries this format's prefix (cheap; no parsing).</summary>
    bool Recognizes(string storedHash);

    /// <summary>
    /// True when the string parses and its cost stays inside the limits a login may spend. The importer refuses a row
    /// that fails this, so a hash that can never verify (or would cost minutes) is not stored.
    /// </summary>
    bool IsWellFormed(string storedHash);

    /// <summary>
    /// Checks the password (its UTF-8 bytes as typed: the other system saw it that way) in constant time; false for a
    /// wrong password or a malformed hash, never an exception.
    /// </summary>
    bool Verify(string password, string storedHash);
}

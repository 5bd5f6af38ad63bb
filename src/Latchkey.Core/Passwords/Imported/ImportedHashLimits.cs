namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// Bounds on what an imported hash may ask of a login. A hash is verified on every login attempt for its member, so
/// its cost is a cost anyone who knows the email can make the server pay: each bound is above what real systems
/// write (the OWASP and library defaults) and far below what would hold a hashing slot for seconds.
/// </summary>
public static class ImportedHashLimits
{
    /// <summary>Derived key length: PBKDF2's cost grows with it (one full run per 20–64 bytes), and 64 is SHA-512's size.</summary>
    public const int MaxOutputBytes = 64;

    /// <summary>Argon2 passes: libraries default to 2–4; OWASP's lowest-memory profile asks for 5.</summary>
    public const long MaxArgon2Iterations = 10;

    /// <summary>Argon2 lanes: defaults are 1–4, and more lanes than cores buys nothing.</summary>
    public const long MaxArgon2Parallelism = 16;

    /// <summary>Argon2 memory: 1 GiB, in KiB.</summary>
    public const long MaxArgon2MemoryKiB = 1024 * 1024;
}

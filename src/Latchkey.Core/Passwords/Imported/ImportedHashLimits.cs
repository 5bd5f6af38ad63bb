namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// Bounds on what an imported hash may ask of a login. A hash is verified on every login attempt for its member, so
/// its cost is a cost anyone who knows the email can make the server pay, and a latency that tells imported members
/// apart: each bound is at or above what real systems write (the OWASP and library defaults) and well below what would
/// hold a hashing slot for a second (issue #21, ceilings lowered from bcrypt 16, Argon2 1 GiB and PBKDF2 10 million).
/// Imported hashes also verify in slots of their own (<see cref="HashingGates"/>).
/// </summary>
public static class ImportedHashLimits
{
    /// <summary>Derived key length: PBKDF2's cost grows with it (one full run per 20–64 bytes), and 64 is SHA-512's size.</summary>
    public const int MaxOutputBytes = 64;

    /// <summary>Argon2 passes: libraries default to 2–4; OWASP's lowest-memory profile asks for 5.</summary>
    public const long MaxArgon2Iterations = 10;

    /// <summary>Argon2 lanes: defaults are 1–4, and more lanes than cores buys nothing.</summary>
    public const long MaxArgon2Parallelism = 16;

    /// <summary>Argon2 memory: 256 MiB, in KiB (OWASP's profiles use 7 to 46 MiB; libraries default to 64 MiB at most).</summary>
    public const long MaxArgon2MemoryKiB = 256 * 1024;

    /// <summary>PBKDF2 iterations, any PRF: at most two million (OWASP asks 600,000 for SHA-256, 1.3 million for SHA-1).</summary>
    public const int MaxPbkdf2Iterations = 2_000_000;

    /// <summary>
    /// PBKDF2 iterations, any PRF: at least 1,000 (RFC 8018's floor and ASP.NET Identity v2's count). Fewer is barely a
    /// hash at all, and a login check that cheap would stand out against the Argon2id dummy.
    /// </summary>
    public const int MinPbkdf2Iterations = 1_000;
}

namespace Latchkey.Core.Passwords;

/// <summary>Bounds on concurrent password hashing (<c>Latchkey:Hashing</c>).</summary>
public sealed class HashingOptions
{
    /// <summary>Hashes running at once. Default: one per core.</summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Requests allowed to wait for a slot; beyond this they are turned away with 429. Default: 32 per core.</summary>
    public int QueueLimit { get; set; } = 32 * Environment.ProcessorCount;

    /// <summary>Longest wait for a slot before the request is turned away. Default: 10 s.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The Retry-After a turned-away request is given. Default: 1 s.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The defaults of <c>Latchkey:Hashing:Imported</c>: hashes brought in by an import (bcrypt, PBKDF2, scrypt, Argon2i)
    /// verify in slots of their own, half the cores and a short queue, so that they can never hold every Argon2id slot
    /// (issue #21).
    /// </summary>
    public static HashingOptions ImportedDefaults() => new()
    {
        MaxConcurrency = Math.Max(1, Environment.ProcessorCount / 2),
        QueueLimit = 8 * Math.Max(1, Environment.ProcessorCount / 2),
        MaxWait = TimeSpan.FromSeconds(5),
    };
}

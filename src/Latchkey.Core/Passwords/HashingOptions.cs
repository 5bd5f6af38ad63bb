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
}

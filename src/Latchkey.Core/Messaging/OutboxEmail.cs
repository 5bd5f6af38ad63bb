namespace Latchkey.Core.Messaging;

/// <summary>
/// A queued email. Its body (which holds codes and links) is sealed at rest and cleared once sent.
/// </summary>
public sealed class OutboxEmail
{
    public const int MaxAttempts = 12;

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public required string To { get; init; }
    public required string Subject { get; init; }
    public byte[]? SealedText { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A dispatcher holds the message until then (one node sends it, not several).</summary>
    public DateTimeOffset LockedUntil { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>Exponential backoff: 2, 4, 8 … seconds, at most 10 minutes.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, Math.Max(1, attempts))));
}

namespace Latchkey.Core.Tokens;

/// <summary>
/// Proof of a successful authentication (docs/tokens.md#the-tokens): opaque, 256 random bits, stored only as a digest,
/// 5 minutes, redeemed once. Only the digest lives here; the token itself is handed to the client and forgotten.
/// </summary>
public sealed class SessionToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public Guid MemberId { get; init; }

    /// <summary>The member's security stamp at issue: a token issued before a password change, recovery or block opens nothing (issue #21).</summary>
    public string? MemberStamp { get; init; }
    public required byte[] TokenHash { get; init; }
    public int KeyVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; set; }
}

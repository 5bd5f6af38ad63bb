namespace Latchkey.Core.Mfa;

/// <summary>
/// One of a member's one-time recovery codes, kept only as an HMAC digest bound to the member. Consumed by one
/// conditional update, so a code works once even under a race.
/// </summary>
public sealed class MfaRecoveryCode
{
    public const int Count = 10;

    public Guid Id { get; init; }
    public Guid MemberId { get; init; }
    public required byte[] CodeHash { get; init; }
    public int KeyVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

namespace Latchkey.Core.Flows;
/// <summary>
/// A multi-step authentication that has not reached SUCCESS yet (docs/tokens.md#the-tokens): a persisted record with a
/// small state machine (<see cref="FlowTransitions"/>). The client continues it with a state token; only the token's
/// digest is kept, and each step replaces it, so a state token is good for one step at a time.
/// </summary>
public sealed class Flow
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public Guid MemberId { get; init; }

    /// <summary>
    /// The member's security stamp when the flow started: a password change, recovery or block renews the member's
    /// stamp and so ends every flow (recovery and verification links included) started before it (issue #21). Null
    /// only on flows older than the column, which are accepted.
    /// </summary>
    public string? MemberStamp { get; init; }

    public FlowKind Kind { get; init; }
    public FlowState State { get; set; }
    public required byte[] StateTokenHash { get; set; }
    public int KeyVersion { get; set; }
    /// <summary>Wrong codes entered so far; at <see cref="MaxCodeAttempts"/> the flow fails.</summary>
    public int Attempts { get; set; }

    /// <summary>Where to send the member when the flow ends (already checked against the client's allow-list).</summary>
    public string? ReturnTo { get; set; }

    /// <summary>Digest of the emailed code, bound to this flow; null when the step needs no code.</summary>
    public byte[]? CodeHash { get; set; }

    public DateTimeOffset? CodeExpiresAt { get; set; }

    /// <summary>Codes sent after the first one.</summary>
    public int Resends { get; set; }

    public DateTimeOffset? CodeSentAt { get; set; }

    public const int MaxCodeAttempts = 5;
    public const int MaxResends = 5;
    public static readonly TimeSpan ResendCooldown = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }

    public bool IsExpired(TimeProvider clock) => clock.GetUtcNow() >= ExpiresAt;

    /// <summary>Whether the flow was started under the member's current security stamp.</summary>
    public bool IsCurrentFor(Members.Member member) => MemberStamp is null || string.Equals(MemberStamp, member.SecurityStamp, StringComparison.Ordinal);

    public bool CanMoveTo(FlowState next) => FlowTransitions.IsAllowed(Kind, State, next);

    public void MoveTo(FlowState next)
    {
        if (!CanMoveTo(next))
        {
            throw new InvalidOperationException($"A {Kind} flow cannot move from {State} to {next}.");
        }

        State = next;
    }
}

using Latchkey.Core.Members;

namespace Latchkey.Core.Features.Registration;

/// <summary>
/// What an enumeration-safe registration of a taken email showed the caller (issue #21): the lookalike identity (its
/// fresh id, the email as typed, the profile, the time) and a keyed digest of the password it was given. A later login
/// with that email and password answers as a login of a real pending registration would, with the same identity.
/// </summary>
public sealed class RegistrationDecoy
{
    /// <summary>Decoys kept per member; older ones are dropped.</summary>
    public const int KeptPerMember = 5;

    /// <summary>The lookalike identity's id.</summary>
    public Guid Id { get; init; }
    public Guid SiteId { get; init; }

    /// <summary>The member who holds the email.</summary>
    public Guid OwnerId { get; init; }
    public required string Email { get; init; }

    /// <summary>HMAC-SHA-256 of the password bound to <see cref="Id"/>, under the server's token key: no hash a login would notice.</summary>
    public required byte[] PasswordDigest { get; init; }
    public int KeyVersion { get; init; }
    public IdentityProfile Profile { get; init; } = IdentityProfile.Empty;
    public DateTimeOffset CreatedAt { get; init; }
}

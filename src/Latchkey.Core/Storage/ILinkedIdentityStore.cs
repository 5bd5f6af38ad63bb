using Latchkey.Core.SocialSignIn;

namespace Latchkey.Core.Storage;

/// <summary>Members' identities at the site's providers, keyed on (registration, subject).</summary>
public interface ILinkedIdentityStore
{
    Task<LinkedIdentity?> FindAsync(Guid providerId, string subject, CancellationToken cancellationToken);

    Task<IReadOnlyList<LinkedIdentity>> ListAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Links the identity; false, and nothing written, when that (registration, subject) is already linked to a member
    /// (two sign-ins racing to link the same upstream account: one wins, atomically, on the unique key).
    /// </summary>
    Task<bool> LinkAsync(LinkedIdentity identity, CancellationToken cancellationToken);

    /// <summary>Records a sign-in through the identity, and the email the provider gave this time.</summary>
    Task TouchAsync(Guid id, string? email, DateTimeOffset signedInAt, CancellationToken cancellationToken);

    /// <summary>Removes one of the member's identities; false when the member has no identity with that id.</summary>
    Task<bool> UnlinkAsync(Guid siteId, Guid memberId, Guid id, CancellationToken cancellationToken);
}

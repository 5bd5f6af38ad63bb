using Latchkey.Core.SocialSignIn;

namespace Latchkey.Core.Storage;

/// <summary>A site's identity provider registrations (docs/identity-providers/README.md).</summary>
public interface IIdentityProviderStore
{
    Task<IReadOnlyList<IdentityProvider>> ListAsync(Guid siteId, CancellationToken cancellationToken);

    Task<IdentityProvider?> FindAsync(Guid siteId, Guid id, CancellationToken cancellationToken);

    /// <summary>By id alone, for the id OpenIddict's client carries in its own state token; never for a caller's input.</summary>
    Task<IdentityProvider?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    Task AddAsync(IdentityProvider provider, CancellationToken cancellationToken);

    /// <summary>False when the registration is no longer there.</summary>
    Task<bool> UpdateAsync(IdentityProvider provider, CancellationToken cancellationToken);

    /// <summary>Removes the registration and every identity linked through it; false when it was not there.</summary>
    Task<bool> DeleteAsync(Guid siteId, Guid id, CancellationToken cancellationToken);
}

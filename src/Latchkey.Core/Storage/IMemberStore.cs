using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>Members, unique per site by normalised email.</summary>
public interface IMemberStore
{
    Task<Member?> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    Task<Member?> FindByEmailAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken);

    /// <summary>Adds the member; false when the email is already taken on the site (also under a race).</summary>
    Task<bool> TryAddAsync(Member member, CancellationToken cancellationToken);

    Task UpdateAsync(Member member, CancellationToken cancellationToken);
}

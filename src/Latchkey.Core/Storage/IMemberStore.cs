using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>Members, unique per site by normalised email.</summary>
public interface IMemberStore
{
    Task<Member?> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    Task<Member?> FindByEmailAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the member; false when the email is already taken on the site (also under a race). A slug another member
    /// holds is made unique with a suffix (<see cref="MemberSlug.WithSuffix"/>), as Wix does for the profile's slug.
    /// </summary>
    Task<bool> TryAddAsync(Member member, CancellationToken cancellationToken);

    /// <summary>Saves the member; a slug another member holds by now is made unique as in <see cref="TryAddAsync"/>.</summary>
    Task UpdateAsync(Member member, CancellationToken cancellationToken);

    /// <summary>Records a sign-in (<see cref="Member.LastLoginAt"/>) without touching the member's revision.</summary>
    Task RecordSignInAsync(Guid memberId, DateTimeOffset at, CancellationToken cancellationToken);
}

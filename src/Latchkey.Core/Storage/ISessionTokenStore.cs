using Latchkey.Core.Tokens;

namespace Latchkey.Core.Storage;

/// <summary>Session tokens, kept as digests and redeemed atomically.</summary>
public interface ISessionTokenStore
{
    Task AddAsync(SessionToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the token with this digest consumed and returns it, in one conditional update: of many concurrent
    /// callers exactly one gets it. Null when unknown, expired or already used.
    /// </summary>
    Task<SessionToken?> TryRedeemAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The site of a live, unused token, without using it (null when there is none).</summary>
    Task<Guid?> FindSiteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the tokens that expired before <paramref name="before"/> (used or not); answers how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

using Latchkey.Core.Clients;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Storage;

/// <summary>Sites and their policies.</summary>
public interface ISiteStore
{
    Task<Site?> FindAsync(Guid siteId, CancellationToken cancellationToken);

    Task<bool> AnyAsync(CancellationToken cancellationToken);

    Task AddAsync(Site site, CancellationToken cancellationToken);

    Task UpdateAsync(Site site, CancellationToken cancellationToken);
}

/// <summary>Members, unique per site by normalised email.</summary>
public interface IMemberStore
{
    Task<Member?> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken);

    Task<Member?> FindByEmailAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken);

    /// <summary>Adds the member; false when the email is already taken on the site (also under a race).</summary>
    Task<bool> TryAddAsync(Member member, CancellationToken cancellationToken);

    Task UpdateAsync(Member member, CancellationToken cancellationToken);
}

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

/// <summary>Multi-step flows and their current state-token digest.</summary>
public interface IFlowStore
{
    Task AddAsync(Flow flow, CancellationToken cancellationToken);

    Task<Flow?> FindByStateTokenAsync(byte[] stateTokenHash, CancellationToken cancellationToken);

    /// <summary>A flow by its id, whatever its state (the reset page brands an ended link's page with it).</summary>
    Task<Flow?> FindByIdAsync(Guid flowId, CancellationToken cancellationToken);

    /// <summary>The member's most recently created flow of this kind, or null.</summary>
    Task<Flow?> FindLatestAsync(Guid memberId, FlowKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the flow only if its state token is still <paramref name="expectedStateTokenHash"/>: of two concurrent
    /// steps on one state token, one wins and the other gets false.
    /// </summary>
    Task<bool> TryUpdateAsync(Flow flow, byte[] expectedStateTokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one code attempt in a single conditional write, before the code is checked: false when the flow has no
    /// attempts left or its state token moved on. Parallel guesses therefore cannot share one attempt.
    /// </summary>
    Task<bool> TryTakeAttemptAsync(Guid flowId, byte[] stateTokenHash, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Ends a flow whose attempts are spent (state Failed, no code), whatever its copy in memory says.</summary>
    Task EndExhaustedAsync(Guid flowId, int maxAttempts, CancellationToken cancellationToken);
}

/// <summary>OAuth clients as Latchkey sees them, and API keys.</summary>
public interface IClientStore
{
    Task<SiteClient?> FindAsync(string clientId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SiteClient>> FindBySiteAsync(Guid siteId, CancellationToken cancellationToken);

    /// <summary>Every client of every site: the browser origins a preflight may come from (docs/cors.md).</summary>
    Task<IReadOnlyList<SiteClient>> ListAllAsync(CancellationToken cancellationToken);

    Task AddAsync(SiteClient client, CancellationToken cancellationToken);

    /// <summary>Saves changed allow-lists (the kind and site never change).</summary>
    Task UpdateAsync(SiteClient client, CancellationToken cancellationToken);

    Task<ApiKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken);

    Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken);
}

/// <summary>Member sessions: what a <c>sid</c> claim points at.</summary>
public interface IMemberSessionStore
{
    Task AddAsync(MemberSession session, CancellationToken cancellationToken);

    Task<MemberSession?> FindAsync(Guid sessionId, CancellationToken cancellationToken);

    Task<MemberSession?> FindByCookieAsync(byte[] cookieHash, CancellationToken cancellationToken);

    /// <summary>
    /// The session and its member (of the session's site) in one read, untracked: the check behind every refresh and
    /// member call. Null when either is missing.
    /// </summary>
    Task<SessionWithMember?> FindWithMemberAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>Slides the expiry of a live session; false when it is revoked or expired.</summary>
    Task<bool> TouchAsync(Guid sessionId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task RevokeAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends every live session of the member except <paramref name="keep"/>; returns how many ended.</summary>
    Task<int> RevokeAllAsync(Guid memberId, Guid? keep, DateTimeOffset now, CancellationToken cancellationToken);
}

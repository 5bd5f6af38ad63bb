using Latchkey.Core.Sessions;

namespace Latchkey.Core.Storage;

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

using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Sessions;
/// <summary>
/// Redeems session tokens into member sessions and checks sessions on later use. Redemption is single use by a
/// conditional update; a token from another site, or for a member who may no longer sign in, opens nothing.
/// </summary>
public sealed class SessionService(
    ISessionTokenStore sessionTokens, IMemberSessionStore sessions, IMemberStore members, TokenHasher hasher, TimeProvider clock)
{
    /// <summary>Redeems a session token; <c>siteId</c> is null when the token itself names the site (createSessionCookie).</summary>
    public async Task<Result<RedeemedSession>> RedeemAsync(
        Guid? siteId, string? sessionToken, bool withCookie, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionToken) || sessionToken.Length > 200)
        {
            return LatchkeyErrors.SessionTokenInvalid;
        }

        var now = clock.GetUtcNow();
        var redeemed = await sessionTokens.TryRedeemAsync(hasher.Hash(sessionToken), now, cancellationToken);
        if (redeemed is null || (siteId is not null && redeemed.SiteId != siteId))
        {
            return LatchkeyErrors.SessionTokenInvalid;
        }

        // A token issued before the member's last password change, recovery or block opens nothing (issue #21).
        var member = await members.FindAsync(redeemed.SiteId, redeemed.MemberId, cancellationToken);
        if (member is null || !CanSignIn(member) ||
            (redeemed.MemberStamp is not null && !string.Equals(redeemed.MemberStamp, member.SecurityStamp, StringComparison.Ordinal)))
        {
            return LatchkeyErrors.SessionTokenInvalid;
        }

        return await OpenAsync(member, withCookie, cancellationToken);
    }

    /// <summary>Opens a session for a member a trusted caller vouched for (the <c>authorized_client</c> grant).</summary>
    public async Task<RedeemedSession> OpenAsync(Member member, bool withCookie, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cookie = withCookie ? SecretGenerator.NewToken() : null;
        var session = new MemberSession
        {
            Id = Guid.CreateVersion7(),
            SiteId = member.SiteId,
            MemberId = member.Id,
            CookieHash = cookie is null ? null : hasher.Hash(cookie),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + MemberSession.IdleLifetime,
        };
        await sessions.AddAsync(session, cancellationToken);
        // The Members API's lastLoginDate. Written past the change tracker: the member read above may be tracked, and
        // marking it changed would make any later save of this request update it under a stale revision.
        await members.RecordSignInAsync(member.Id, now, cancellationToken);
        return new RedeemedSession(member, session, cookie);
    }

    /// <summary>The live browser session behind a cookie, with its member, or null.</summary>
    public async Task<RedeemedSession?> FromCookieAsync(Guid siteId, string? cookie, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 200)
        {
            return null;
        }

        var session = await sessions.FindByCookieAsync(hasher.Hash(cookie), cancellationToken);
        if (session is null || session.SiteId != siteId || !session.IsLive(clock.GetUtcNow()))
        {
            return null;
        }

        var member = await members.FindAsync(siteId, session.MemberId, cancellationToken);
        return member is not null && CanSignIn(member) ? new RedeemedSession(member, session, null) : null;
    }

    /// <summary>
    /// Whether tokens of this session may still be used or refreshed: the session is live and its member may
    /// still sign in. Sliding: a successful check extends the session, at most once per
    /// <see cref="MemberSession.SlideGranularity"/> (ADR 0016).
    /// </summary>
    public async Task<bool> IsUsableAsync(Guid siteId, Guid sessionId, bool slide, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (await sessions.FindWithMemberAsync(sessionId, cancellationToken) is not var (session, member) ||
            session.SiteId != siteId || !session.IsLive(now) || !CanSignIn(member))
        {
            return false;
        }

        return !slide || !session.ShouldSlide(now) ||
            await sessions.TouchAsync(sessionId, now, now + MemberSession.IdleLifetime, cancellationToken);
    }

    /// <summary>Ends the browser session behind a cookie, if any (logout).</summary>
    public async Task EndByCookieAsync(string? cookie, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(cookie) && cookie.Length <= 200 &&
            await sessions.FindByCookieAsync(hasher.Hash(cookie), cancellationToken) is { } session)
        {
            await sessions.RevokeAsync(session.Id, clock.GetUtcNow(), cancellationToken);
        }
    }

    public Task EndAsync(Guid sessionId, CancellationToken cancellationToken) =>
        sessions.RevokeAsync(sessionId, clock.GetUtcNow(), cancellationToken);

    public Task<int> EndAllAsync(Guid memberId, Guid? keep, CancellationToken cancellationToken) =>
        sessions.RevokeAllAsync(memberId, keep, clock.GetUtcNow(), cancellationToken);

    /// <summary>Only active members hold sessions: blocked, pending or deleted members are signed out.</summary>
    public static bool CanSignIn(Member member) => member.Status == MemberStatus.Active && !member.PasswordResetRequired;
}

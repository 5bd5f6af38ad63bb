namespace Latchkey.Core.Sessions;

/// <summary>
/// One signed-in member on one device: created when a session token is redeemed (authorize, the
/// <c>authorized_client</c> grant, <c>createSessionCookie</c>). Member tokens carry its id as <c>sid</c>; ending the
/// session (logout, password change elsewhere, block) makes its refresh tokens and access tokens stop working.
/// A browser session also has a cookie, stored only as a digest.
/// </summary>
public sealed class MemberSession
{
    /// <summary>How long an unused session lives; each use slides it (decisions §3: 90 days sliding).</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromDays(90);

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public Guid MemberId { get; init; }
    public byte[]? CookieHash { get; set; }
    public int KeyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

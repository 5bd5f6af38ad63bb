namespace Latchkey.Core.Sessions;
/// <summary>
/// One signed-in member on one device: created when a session token is redeemed (authorize, the
/// <c>authorized_client</c> grant, <c>createSessionCookie</c>). Member tokens carry its id as <c>sid</c>; ending the
/// session (logout, password change elsewhere, block) makes its refresh tokens and access tokens stop working.
/// A browser session also has a cookie, stored only as a digest.
/// </summary>
public sealed class MemberSession
{
    /// <summary>
    /// How long an unused session lives; each use slides it (docs/tokens.md#the-tokens: 90 days sliding).
    /// </summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromDays(90);

    /// <summary>
    /// A use slides the session only when the last slide is at least this old (ADR 0016): the idle expiry stays
    /// exact to the minute, and a burst of refreshes (tabs, clients, a load test) reads the session without writing.
    /// </summary>
    public static readonly TimeSpan SlideGranularity = TimeSpan.FromMinutes(1);

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public Guid MemberId { get; init; }
    public byte[]? CookieHash { get; set; }
    public int KeyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    /// <summary>Whether a use at <paramref name="now"/> should move <see cref="ExpiresAt"/>: it was last moved a granule ago or more.</summary>
    public bool ShouldSlide(DateTimeOffset now) => ExpiresAt <= now + IdleLifetime - SlideGranularity;
}

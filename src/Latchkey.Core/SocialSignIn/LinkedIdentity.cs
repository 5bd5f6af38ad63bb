namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// A member's identity at one of the site's providers: keyed on the registration and the provider's subject
/// (<see cref="ExternalIdentity.Subject"/>), unique per registration, so one upstream account belongs to at most one
/// member. The email is what the provider said when it was linked or last used, for the member and admins to see.
/// </summary>
public sealed class LinkedIdentity
{
    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public Guid ProviderId { get; init; }
    public required string Subject { get; init; }
    public Guid MemberId { get; init; }
    public string? Email { get; set; }
    public DateTimeOffset LinkedAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; set; }
}

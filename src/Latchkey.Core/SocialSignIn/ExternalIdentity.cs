namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// Who the provider says signed in, reduced to what Latchkey keys and links on. <see cref="Subject"/> is the stable
/// key within one registration (never the email, which the member can change upstream); <see cref="EmailVerified"/>
/// is true only when the provider asserts it by that provider's own rule (<see cref="ProviderProfiles"/>).
/// </summary>
public sealed record ExternalIdentity(string Subject, string? Email, bool EmailVerified)
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>The provider's display name or handle (GitHub's login), for the profile's nickname.</summary>
    public string? Nickname { get; init; }

    /// <summary>Apple sends the name only on a member's first authorization: later sign-ins must keep the stored one.</summary>
    public bool NameOnlyOnce { get; init; }
}

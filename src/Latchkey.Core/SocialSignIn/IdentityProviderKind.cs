namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// The kinds of upstream identity provider a site can register (docs/flows/social-sign-in.md). Each kind has its own
/// rule for the member's key and for when its email counts as verified (<see cref="ProviderProfiles"/>).
/// </summary>
public enum IdentityProviderKind
{
    Google,
    Apple,
    Microsoft,
    GitHub,
    Facebook,

    /// <summary>Any OpenID Connect provider, found by its issuer URL.</summary>
    OpenIdConnect,
}

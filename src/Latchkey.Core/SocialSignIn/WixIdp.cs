namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// What the Wix SDK sends as <c>authRequest.idp</c> (<c>getAuthUrl(data, { idp })</c>): a fixed id for Google and for
/// Facebook, or a connection id for any other provider, which in Latchkey is the registration's id.
/// </summary>
public static class WixIdp
{
    public static readonly Guid Google = Guid.Parse("0e6a50f5-b523-4e29-990d-f37fa2ffdd69");
    public static readonly Guid Facebook = Guid.Parse("3ecad13f-52c3-483d-911f-31dbcf2a6d23");

    /// <summary>The provider kind a fixed Wix id stands for; null for a connection id (a registration's own id).</summary>
    public static IdentityProviderKind? KindOf(Guid idp) =>
        idp == Google ? IdentityProviderKind.Google
        : idp == Facebook ? IdentityProviderKind.Facebook
        : null;
}

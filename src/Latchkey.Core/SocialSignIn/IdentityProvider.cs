namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// A site's registration with an upstream identity provider (docs/identity-providers/README.md): what the site owner
/// registered there (client id and secret, Apple's key, Microsoft's tenant, an OpenID provider's issuer) and whether
/// the site trusts the provider's verified emails enough to link by them. The secret is sealed at rest under its own
/// derived key and never returned. <see cref="Id"/> is also the Wix SDK's connection id (<c>idp: { connectionId }</c>).
/// </summary>
public sealed class IdentityProvider
{
    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public IdentityProviderKind Kind { get; init; }

    /// <summary>The button's label on the hosted pages ("Continue with …").</summary>
    public required string DisplayName { get; set; }

    public required string ClientId { get; set; }

    /// <summary>The client secret; for Apple, the private key (<c>.p8</c>, PEM) the client secret is signed with.</summary>
    public byte[]? SealedClientSecret { get; set; }

    /// <summary>An OpenID provider's issuer URL (<see cref="IdentityProviderKind.OpenIdConnect"/> only).</summary>
    public string? Issuer { get; set; }

    /// <summary>Microsoft: the tenant id, a verified domain, or <c>common</c>, <c>organizations</c>, <c>consumers</c>.</summary>
    public string? Tenant { get; set; }

    /// <summary>Apple: the team id and the key id of the private key.</summary>
    public string? TeamId { get; set; }

    public string? KeyId { get; set; }

    /// <summary>
    /// Whether an email this provider asserts as verified may link to an existing member with the same verified email,
    /// without the member proving the account first (<see cref="SocialLinking"/>). Off unless the site owner turns it on.
    /// </summary>
    public bool TrustEmail { get; set; }

    /// <summary>A disabled provider keeps its linked identities but shows no button and starts no sign-in.</summary>
    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

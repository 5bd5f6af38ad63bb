using Latchkey.Core.Errors;
using Latchkey.Core.SocialSignIn;

namespace Latchkey.Core.Tests.SocialSignIn;

/// <summary>
/// The linking rule against the takeovers peers shipped: an identity joins an existing member by itself only when the
/// site trusts the provider's emails, the provider proved this one, and the member proved theirs.
/// </summary>
public sealed class SocialLinkingTests
{
    private static readonly Guid Member = Guid.CreateVersion7();

    private static ExternalIdentity Identity(bool verified, string? email = "ann@example.com") => new("subject-1", email, verified);

    [Theory]
    // trusted, provider verified, local verified → the one case that links by itself
    [InlineData(true, true, true, "Link")]
    // any condition missing → the person proves the existing account first
    [InlineData(true, true, false, "ProveAccount")]
    [InlineData(true, false, true, "ProveAccount")]
    [InlineData(false, true, true, "ProveAccount")]
    [InlineData(false, false, false, "ProveAccount")]
    [InlineData(true, false, false, "ProveAccount")]
    [InlineData(false, true, false, "ProveAccount")]
    [InlineData(false, false, true, "ProveAccount")]
    public void An_email_that_a_member_has_links_by_itself_only_when_proven_on_both_sides(bool trusted, bool providerVerified, bool localVerified, string expected)
    {
        var decision = SocialLinking.Decide(Identity(providerVerified), trusted, linkedMemberId: null, new SocialLinking.Holder(Member, localVerified)).ValueOrThrow();

        Assert.Equal(expected, decision.GetType().Name);
        Assert.Equal(Member, decision switch
        {
            LinkDecision.Link link => link.MemberId,
            LinkDecision.ProveAccount prove => prove.MemberId,
            _ => Guid.Empty,
        });
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    public void A_new_email_creates_a_member_and_counts_as_proven_only_when_trusted_and_verified(bool trusted, bool providerVerified, bool proven)
    {
        var decision = SocialLinking.Decide(Identity(providerVerified), trusted, linkedMemberId: null, holder: null).ValueOrThrow();

        Assert.Equal(new LinkDecision.Create(proven), decision);
    }

    [Fact]
    public void A_linked_identity_signs_in_as_its_member_whatever_its_email_says_now()
    {
        var linked = Guid.CreateVersion7();

        var decision = SocialLinking.Decide(Identity(false, email: null), trustedForEmail: false, linked, new SocialLinking.Holder(Member, true)).ValueOrThrow();

        Assert.Equal(new LinkDecision.SignIn(linked), decision);
    }

    [Fact]
    public void An_unlinked_identity_without_an_email_is_refused()
    {
        var result = SocialLinking.Decide(Identity(true, email: null), trustedForEmail: true, linkedMemberId: null, holder: null);

        Assert.True(result.Error?.Is(LatchkeyErrors.IdentityProviderEmailMissing));
    }
}

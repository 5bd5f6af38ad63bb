using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.SocialSignIn;

namespace Latchkey.Core.Tests.SocialSignIn;

/// <summary>Each provider's documented answer (Recorded/) mapped to the key, email and names Latchkey links on.</summary>
public sealed class ProviderProfilesTests
{
    private static JsonElement Recorded(string name) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Of("tests", "Latchkey.Core.Tests", "SocialSignIn", "Recorded", name))).RootElement.Clone();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Google_keys_on_sub_and_proves_the_email_with_email_verified()
    {
        var identity = ProviderProfiles.Google(Recorded("google-id-token.json")).ValueOrThrow();

        Assert.Equal(new ExternalIdentity("110169484474386276334", "jsmith@example.com", EmailVerified: true)
        {
            FirstName = "Jane",
            LastName = "Smith",
            Nickname = "Jane Smith",
        }, identity);
        Assert.False(ProviderProfiles.Google(Recorded("google-id-token-unverified.json")).ValueOrThrow().EmailVerified);
    }

    [Fact]
    public void Apple_takes_the_name_from_the_first_authorization_only_and_reads_its_string_booleans()
    {
        var first = ProviderProfiles.Apple(Recorded("apple-id-token.json"), File.ReadAllText(
            RepoPaths.Of("tests", "Latchkey.Core.Tests", "SocialSignIn", "Recorded", "apple-user-first-authorization.json"))).ValueOrThrow();
        var later = ProviderProfiles.Apple(Recorded("apple-id-token.json"), firstAuthorizationUser: null).ValueOrThrow();

        Assert.Equal("001234.0e3f5e2f6c8b4a5e9d1c2b3a4f5e6d7c.1234", first.Subject);
        Assert.Equal("x7k2m9q4rt@privaterelay.appleid.com", first.Email);
        Assert.True(first.EmailVerified);
        Assert.Equal(("Jane", "Appleseed"), (first.FirstName, first.LastName));
        Assert.True(first.NameOnlyOnce);
        Assert.Equal((null, null, true), (later.FirstName, later.LastName, later.NameOnlyOnce));
        Assert.Equal(first.Subject, later.Subject);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"name":"Jane"}""")]
    [InlineData("""{"name":{"firstName":42}}""")]
    public void Apple_ignores_a_user_field_it_cannot_read(string user)
    {
        var identity = ProviderProfiles.Apple(Recorded("apple-id-token.json"), user).ValueOrThrow();

        Assert.Null(identity.FirstName);
        Assert.Null(identity.LastName);
    }

    [Fact]
    public void Microsoft_keys_on_tenant_and_object_id_and_proves_the_email_only_with_xms_edov()
    {
        var verified = ProviderProfiles.Microsoft(Recorded("microsoft-id-token.json")).ValueOrThrow();
        var typed = ProviderProfiles.Microsoft(Recorded("microsoft-id-token-unverified-email.json")).ValueOrThrow();

        Assert.Equal("b9419818-09af-49c2-b0c3-653adc1f376e:00000000-0000-0000-66f3-3332eca7ea81", verified.Subject);
        Assert.True(verified.EmailVerified);
        Assert.Equal("ceo@victim.example", typed.Email);
        Assert.False(typed.EmailVerified);
        Assert.Equal("72f988bf-86f1-41af-91ab-2d7cd011db47:11111111-2222-3333-4444-555555555555", typed.Subject);
    }

    [Theory]
    [InlineData("""{"sub":"x","tid":"t"}""")]
    [InlineData("""{"sub":"x","oid":"o"}""")]
    [InlineData("""{"sub":"x","tid":"t","oid":7}""")]
    public void Microsoft_without_tenant_and_object_id_is_refused(string token)
    {
        var result = ProviderProfiles.Microsoft(Json(token));

        Assert.True(result.IsFailure);
        Assert.True(result.Error.Is(LatchkeyErrors.IdentityProviderFailed));
    }

    [Fact]
    public void GitHub_keys_on_the_numeric_id_and_takes_the_primary_verified_email_not_the_public_one()
    {
        var identity = ProviderProfiles.GitHub(Recorded("github-user.json"), Recorded("github-emails.json")).ValueOrThrow();

        Assert.Equal(new ExternalIdentity("583231", "octocat@github.com", EmailVerified: true) { Nickname = "The Octocat" }, identity);
    }

    [Fact]
    public void GitHub_without_a_verified_primary_email_keeps_the_public_one_unproven()
    {
        var none = ProviderProfiles.GitHub(Recorded("github-user.json"), Recorded("github-emails-none-verified.json")).ValueOrThrow();
        var unread = ProviderProfiles.GitHub(Recorded("github-user.json"), Json("""{"message":"Requires authentication"}""")).ValueOrThrow();

        Assert.Equal(("octocat@public.example", false), (none.Email, none.EmailVerified));
        Assert.Equal(("octocat@public.example", false), (unread.Email, unread.EmailVerified));
    }

    [Theory]
    [InlineData("""{"login":"octocat"}""")]
    [InlineData("""{"id":"583231"}""")]
    [InlineData("""{"id":1.5}""")]
    public void GitHub_without_a_numeric_id_is_refused(string user) =>
        Assert.True(ProviderProfiles.GitHub(Json(user), Json("[]")).Error?.Is(LatchkeyErrors.IdentityProviderFailed));

    [Fact]
    public void Facebook_keys_on_id_and_never_proves_the_email()
    {
        var identity = ProviderProfiles.Facebook(Recorded("facebook-me.json")).ValueOrThrow();

        Assert.Equal(new ExternalIdentity("10158338592391234", "jane.doe@example.com", EmailVerified: false)
        {
            FirstName = "Jane",
            LastName = "Doe",
            Nickname = "Jane Doe",
        }, identity);
    }

    [Theory]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":true}""", true)]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":"true"}""", true)]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":"TRUE"}""", true)]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":false}""", false)]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":"yes"}""", false)]
    [InlineData("""{"sub":"s","email":"a@example.com","email_verified":1}""", false)]
    [InlineData("""{"sub":"s","email":"a@example.com"}""", false)]
    public void Any_OpenID_provider_proves_the_email_only_with_email_verified_true(string claims, bool verified) =>
        Assert.Equal(verified, ProviderProfiles.OpenIdConnect(Json(claims)).ValueOrThrow().EmailVerified);

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"sub":""}""")]
    [InlineData("""{"sub":"   "}""")]
    [InlineData("""{"sub":12}""")]
    [InlineData("[]")]
    public void An_identity_token_without_a_subject_is_refused(string claims) =>
        Assert.True(ProviderProfiles.OpenIdConnect(Json(claims)).Error?.Is(LatchkeyErrors.IdentityProviderFailed));

    [Fact]
    public void The_Wix_SDK_s_idp_ids_name_Google_and_Facebook_and_nothing_else()
    {
        Assert.Equal(IdentityProviderKind.Google, WixIdp.KindOf(Guid.Parse("0e6a50f5-b523-4e29-990d-f37fa2ffdd69")));
        Assert.Equal(IdentityProviderKind.Facebook, WixIdp.KindOf(Guid.Parse("3ecad13f-52c3-483d-911f-31dbcf2a6d23")));
        Assert.Null(WixIdp.KindOf(Guid.CreateVersion7()));
    }

    [Fact]
    public void A_name_with_control_characters_or_longer_than_a_profile_allows_is_dropped_and_the_rest_kept()
    {
        var identity = ProviderProfiles.OpenIdConnect(Json($$"""
            {"sub":"s","given_name":"Ann\u0000x","family_name":"{{new string('x', 1001)}}","name":"Ann Example"}
            """)).ValueOrThrow();
        var user = $$$"""{"name":{"firstName":"{{{new string('y', 5000)}}}","lastName":"Fine"}}""";
        var apple = ProviderProfiles.Apple(Recorded("apple-id-token.json"), user).ValueOrThrow();

        Assert.Equal((null, null, "Ann Example"), (identity.FirstName, identity.LastName, identity.Nickname));
        Assert.Equal((null, "Fine"), (apple.FirstName, apple.LastName));
    }
}

using System.Net.Http.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Features;
using Latchkey.Core.Features.SocialSignIn;
using Latchkey.Core.Flows;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// The end of a social sign-in on a real database (issue #26): the linking rule's outcomes, from a stranger's identity
/// to a takeover attempt by an email the provider never verified. The provider's round trip is in the conformance
/// suite (tests/conformance/social-sign-in.test.mjs, against oidc-provider).
/// </summary>
public sealed class SignInWithProviderTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private Task<IdentityProvider> ProviderAsync(bool trustEmail, string kind = "google") => _app.AddIdentityProviderAsync(kind, trustEmail);

    private Task<Result<SocialSignInOutcome>> AttemptAsync(IdentityProvider provider, ExternalIdentity identity) => _app.SocialSignInAsync(provider, identity);

    /// <summary>A sign-in that must end as a password login's would (not wait for one).</summary>
    private async Task<Result<AuthOutcome>> SignInAsync(IdentityProvider provider, ExternalIdentity identity)
    {
        var result = await AttemptAsync(provider, identity);
        return result.IsSuccess ? result.Value.Outcome ?? throw new InvalidOperationException("The identity waits for a sign-in.") : result.Error;
    }

    /// <summary>An identity that must wait for the member's sign-in, with nothing written.</summary>
    private async Task<PendingLink> PendingAsync(IdentityProvider provider, ExternalIdentity identity)
    {
        var pending = (await AttemptAsync(provider, identity)).ValueOrThrow().PendingLink;
        Assert.NotNull(pending);
        Assert.Equal(0, _app.Count("linked_identities"));
        return pending;
    }

    /// <summary>The sign-in the pending link waited for, by <paramref name="memberId"/> (as the hosted pages call it).</summary>
    private async Task<bool> SignedInAsync(PendingLink pending, string memberId)
    {
        using var scope = _app.Services.CreateScope();
        var member = (await scope.ServiceProvider.GetRequiredService<IMemberStore>().FindAsync(pending.SiteId, Guid.Parse(memberId), CancellationToken.None))!;
        return await scope.ServiceProvider.GetRequiredService<LinkAfterSignIn>().HandleAsync(pending, member, CancellationToken.None);
    }

    private async Task<string> RegisterAsync(string email)
    {
        using var visitor = await _app.VisitorClientAsync();
        var body = await (await visitor.RegisterAsync(email)).JsonAsync();
        return body.GetProperty("identity").GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_stranger_with_a_proven_email_becomes_a_member_and_signs_in_as_it_again()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var identity = new ExternalIdentity("google-sub-1", "Ann@Example.com", EmailVerified: true) { FirstName = "Ann" };

        var first = (await SignInAsync(provider, identity)).ValueOrThrow();
        var second = (await SignInAsync(provider, identity with { Email = "ann@elsewhere.example" })).ValueOrThrow();

        Assert.Equal(StateType.Success, first.State);
        Assert.NotNull(first.SessionToken);
        Assert.True(first.Member.EmailVerified);
        Assert.Equal("Ann", first.Member.Profile.FirstName);
        // Keyed on the subject: a changed email upstream is still the same member.
        Assert.Equal(first.Member.Id, second.Member.Id);
        Assert.Equal(1, _app.Count("linked_identities"));
        using var admin = _app.ApiKeyClient();
        var audit = await (await admin.GetAsync("/admin/v1/audit-events?action=member.identity_linked")).Content.ReadAsStringAsync();
        Assert.Contains(first.Member.Id.ToString(), audit, StringComparison.Ordinal);
        Assert.Contains("\"memberCreated\":true", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_verified_member_is_linked_by_itself_only_when_the_site_trusts_the_provider_s_verified_email_else_after_its_sign_in()
    {
        var email = "bob@example.com";
        var memberId = await RegisterAsync(email);
        _app.MarkEmailVerified(memberId);
        var untrusted = await ProviderAsync(trustEmail: false);

        var pending = await PendingAsync(untrusted, new ExternalIdentity("sub-bob", email, EmailVerified: true));
        Assert.True(await SignedInAsync(pending, memberId));
        Assert.Equal(1, _app.Count("linked_identities"));
        using (var admin = _app.ApiKeyClient())
        {
            var audit = await (await admin.GetAsync("/admin/v1/audit-events?action=member.identity_linked")).Content.ReadAsStringAsync();
            Assert.Contains("\"actor\":\"member\"", audit, StringComparison.Ordinal);
            (await admin.PatchAsJsonAsync($"/admin/v1/identity-providers/{untrusted.Id}", new { trustEmail = true })).EnsureSuccessStatusCode();
        }

        // Linked now: the provider alone signs Bob in. And with the site's trust, a second account links by itself.
        Assert.Equal(memberId, (await SignInAsync(untrusted, new ExternalIdentity("sub-bob", email, EmailVerified: true))).ValueOrThrow().Member.Id.ToString());
        var trusted = await ReloadAsync(untrusted.Id);
        var linked = (await SignInAsync(trusted, new ExternalIdentity("sub-bob-2", email, EmailVerified: true))).ValueOrThrow();
        Assert.Equal(memberId, linked.Member.Id.ToString());
        Assert.Equal(2, _app.Count("linked_identities"));
    }

    [Fact]
    public async Task An_unverified_email_at_the_provider_never_takes_over_a_member_or_squats_an_address_and_the_answer_is_the_same_for_both()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var carol = await RegisterAsync("carol@example.com");
        _app.MarkEmailVerified(carol);
        var mallory = await RegisterAsync("mallory@example.com");
        _app.MarkEmailVerified(mallory);

        var takeover = await PendingAsync(provider, new ExternalIdentity("attacker", "carol@example.com", EmailVerified: false));
        var squat = await PendingAsync(provider, new ExternalIdentity("attacker", "dave@example.com", EmailVerified: false));

        // Whether the email has an account does not change the answer.
        Assert.Equal(takeover with { Email = "", ExpiresAt = default }, squat with { Email = "", ExpiresAt = default });
        // The attacker can only sign in to its own account, whose email is not the identity's: nothing is linked.
        Assert.False(await SignedInAsync(takeover, mallory));
        Assert.False(await SignedInAsync(squat, mallory));
        Assert.Equal(0, _app.Count("linked_identities"));
        Assert.Equal(2, _app.Count("members"));
    }

    [Fact]
    public async Task A_member_whose_local_email_is_unverified_is_never_linked_even_from_a_trusted_provider_nor_after_the_squatter_signs_in()
    {
        var provider = await ProviderAsync(trustEmail: true);
        // A squatter registered the victim's address with a password and never verified it.
        var squatter = await RegisterAsync("erin@example.com");

        var pending = await PendingAsync(provider, new ExternalIdentity("erin-real", "erin@example.com", EmailVerified: true));
        // The squatter, holding a pending link of its own provider account, signs in with its password: nothing is
        // linked to an account whose email nobody proved (the pre-hijack that would outlive a password reset).
        var squatterPending = await PendingAsync(provider, new ExternalIdentity("squatter-sub", "erin@example.com", EmailVerified: false));

        Assert.False(await SignedInAsync(pending, squatter));
        Assert.False(await SignedInAsync(squatterPending, squatter));
        Assert.Equal(0, _app.Count("linked_identities"));
    }

    [Fact]
    public async Task A_pending_link_is_not_linked_twice_nor_after_its_provider_is_disabled()
    {
        var provider = await ProviderAsync(trustEmail: false);
        var nia = await RegisterAsync("nia@example.com");
        _app.MarkEmailVerified(nia);
        var pending = await PendingAsync(provider, new ExternalIdentity("nia-sub", "nia@example.com", EmailVerified: true));
        var second = await PendingAsync(await ProviderAsync(trustEmail: false, kind: "gitHub"), new ExternalIdentity("nia-sub", "nia@example.com", EmailVerified: true));
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync($"/admin/v1/identity-providers/{second.ProviderId}", new { enabled = false })).EnsureSuccessStatusCode();
        }

        Assert.True(await SignedInAsync(pending, nia));
        Assert.False(await SignedInAsync(pending, nia));
        Assert.False(await SignedInAsync(second, nia));
        Assert.Equal(1, _app.Count("linked_identities"));
    }

    [Fact]
    public async Task A_blocked_member_signing_in_through_a_linked_identity_is_refused()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var identity = new ExternalIdentity("frank-sub", "frank@example.com", EmailVerified: true);
        var member = (await SignInAsync(provider, identity)).ValueOrThrow().Member;
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PostAsync($"/admin/v1/members/{member.Id}/block", null)).EnsureSuccessStatusCode();
        }

        var result = await SignInAsync(provider, identity);

        Assert.True(result.Error?.Is(LatchkeyErrors.MemberBlocked));
    }

    [Fact]
    public async Task An_identity_without_an_email_signs_in_only_to_the_member_it_is_linked_to()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var missing = await SignInAsync(provider, new ExternalIdentity("no-email", null, EmailVerified: false));
        var member = (await SignInAsync(provider, new ExternalIdentity("gina-sub", "gina@example.com", EmailVerified: true))).ValueOrThrow().Member;

        var again = (await SignInAsync(provider, new ExternalIdentity("gina-sub", null, EmailVerified: false))).ValueOrThrow();

        Assert.True(missing.Error?.Is(LatchkeyErrors.IdentityProviderEmailMissing));
        Assert.Equal(member.Id, again.Member.Id);
    }

    private Task<IdentityProvider> ReloadAsync(Guid id) => _app.FindIdentityProviderAsync(id);

    [Fact]
    public async Task A_member_lists_and_unlinks_its_own_identities_and_nobody_else_can_and_the_account_links_again_by_the_rule()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var identity = new ExternalIdentity("hana-sub", "hana@example.com", EmailVerified: true);
        var hana = (await SignInAsync(provider, identity)).ValueOrThrow();
        var ivan = (await SignInAsync(provider, new ExternalIdentity("ivan-sub", "ivan@example.com", EmailVerified: true))).ValueOrThrow();
        using var asHana = _app.CreateClient();
        asHana.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", (await _app.MemberTokensAsync(hana.SessionToken!)).AccessToken);
        using var asIvan = _app.CreateClient();
        asIvan.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", (await _app.MemberTokensAsync(ivan.SessionToken!)).AccessToken);
        using var visitor = await _app.VisitorClientAsync();
        using var admin = _app.ApiKeyClient();

        var listed = await (await asHana.GetAsync("/_api/latchkey/identities/v1/my")).JsonAsync();
        var link = Assert.Single(listed.GetProperty("identities").EnumerateArray());
        Assert.Equal(("google", "Google", "hana@example.com"), (link.GetProperty("provider").GetString(), link.GetProperty("providerName").GetString(),
            link.GetProperty("email").GetString()));
        var linkId = link.GetProperty("id").GetGuid();
        var adminView = await (await admin.GetAsync($"/admin/v1/members/{hana.Member.Id}/identities")).JsonAsync();
        Assert.Equal(linkId, Assert.Single(adminView.GetProperty("identities").EnumerateArray()).GetProperty("id").GetGuid());

        // Another member, a visitor and another member's id cannot reach it.
        await Admin.AdminApiTests.AssertProblemAsync(await asIvan.DeleteAsync($"/_api/latchkey/identities/v1/my/{linkId}"), 404, "linked_identity_not_found");
        await Admin.AdminApiTests.AssertProblemAsync(await visitor.GetAsync("/_api/latchkey/identities/v1/my"), 401, "member_token_required");
        await Admin.AdminApiTests.AssertProblemAsync(await admin.DeleteAsync($"/admin/v1/members/{ivan.Member.Id}/identities/{linkId}"), 404, "linked_identity_not_found");
        Assert.Equal(2, _app.Count("linked_identities"));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await asHana.DeleteAsync($"/_api/latchkey/identities/v1/my/{linkId}")).StatusCode);
        Assert.Empty((await (await asHana.GetAsync("/_api/latchkey/identities/v1/my")).JsonAsync()).GetProperty("identities").EnumerateArray());
        var unlinked = await (await admin.GetAsync("/admin/v1/audit-events?action=member.identity_unlinked")).Content.ReadAsStringAsync();
        Assert.Contains("\"actor\":\"member\"", unlinked, StringComparison.Ordinal);

        // Unlinked, the account is a stranger again: both sides proved the email, so the rule links it to Hana anew.
        var again = (await SignInAsync(provider, identity)).ValueOrThrow();
        Assert.Equal(hana.Member.Id, again.Member.Id);
        Assert.Equal(2, _app.Count("linked_identities"));
    }

    [Fact]
    public async Task A_member_who_enrolled_MFA_is_asked_for_the_second_factor_after_a_social_sign_in_too()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var identity = new ExternalIdentity("jo-sub", "jo@example.com", EmailVerified: true);
        var first = (await SignInAsync(provider, identity)).ValueOrThrow();
        var mfa = new Mfa.MfaMember
        {
            App = _app,
            Member = new NewMember(first.Member.Id.ToString(), "jo@example.com", first.SessionToken!),
            AccessToken = (await _app.MemberTokensAsync(first.SessionToken!)).AccessToken,
        };
        await mfa.EnrolAsync();

        var again = (await SignInAsync(provider, identity)).ValueOrThrow();

        Assert.Equal(StateType.RequireMfa, again.State);
        Assert.Null(again.SessionToken);
        Assert.NotNull(again.StateToken);
    }

    [Fact]
    public async Task A_blocked_member_is_refused_before_anything_is_linked_and_an_overlong_subject_is_refused()
    {
        var provider = await ProviderAsync(trustEmail: true);
        var memberId = await RegisterAsync("lee@example.com");
        _app.MarkEmailVerified(memberId);
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PostAsync($"/admin/v1/members/{memberId}/block", null)).EnsureSuccessStatusCode();
        }

        var blocked = await SignInAsync(provider, new ExternalIdentity("lee-sub", "lee@example.com", EmailVerified: true));
        var overlong = await SignInAsync(provider, new ExternalIdentity(new string('s', SignInWithProvider.MaxSubject + 1), "max@example.com", EmailVerified: true));

        Assert.True(blocked.Error?.Is(LatchkeyErrors.MemberBlocked));
        Assert.True(overlong.Error?.Is(LatchkeyErrors.IdentityProviderFailed));
        Assert.Equal(0, _app.Count("linked_identities"));
        Assert.Equal(1, _app.Count("members"));
    }
}

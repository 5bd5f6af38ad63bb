using System.Net;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Latchkey.Server.Tests.Attacks;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// The hosted connected-accounts page (issue #26): a member sees and disconnects only its own identities, only with
/// the page's own form, and a browser without a session is asked to sign in.
/// </summary>
public sealed class IdentitiesPageTests : IDisposable
{
    private const string Page = "/oauth2/authorize/identities";
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>A member with a password and a verified email, linked to the site's Google by the rule.</summary>
    private async Task<(NewMember Member, Guid Identity)> LinkedMemberAsync(IdentityProvider provider, string email)
    {
        var member = await _app.RegisterMemberAsync(email);
        _app.MarkEmailVerified(member.Id);
        (await _app.SocialSignInAsync(provider, new ExternalIdentity("sub-" + email, email, EmailVerified: true))).ValueOrThrow();
        using var scope = _app.Services.CreateScope();
        var identity = (await scope.ServiceProvider.GetRequiredService<ILinkedIdentityStore>().FindAsync(provider.Id, "sub-" + email, CancellationToken.None))!;
        return (member, identity.Id);
    }

    private Task<IdentityProvider> GoogleAsync() => _app.AddIdentityProviderAsync();

    private async Task<HttpClient> SignedInBrowserAsync(NewMember member)
    {
        var browser = _app.Browser();
        var form = await browser.HostedFormAsync(_app.HostedSignIn());
        form["email"] = member.Email;
        form["password"] = Wix.Password;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/oauth2/authorize/login", new FormUrlEncodedContent(form))).StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_member_sees_and_disconnects_its_own_identity_and_no_other_member_s_and_only_with_the_page_s_form()
    {
        var google = await GoogleAsync();
        var (hana, hanaIdentity) = await LinkedMemberAsync(google, "hana@example.com");
        var (_, ivanIdentity) = await LinkedMemberAsync(google, "ivan@example.com");
        using var browser = await SignedInBrowserAsync(hana);
        var url = $"{Page}?client_id={_app.Bootstrap.ClientId}";

        var page = await browser.GetStringAsync(url);
        Assert.Contains("Disconnect Google", page, StringComparison.Ordinal);
        Assert.Contains("hana@example.com", page, StringComparison.Ordinal);
        Assert.DoesNotContain("ivan@example.com", page, StringComparison.Ordinal);
        Assert.Equal(2, _app.Count("linked_identities"));

        // Another member's identity id, with Hana's valid form: answered as gone, nothing removed.
        var form = Attack.HiddenFields(page);
        form["identity"] = ivanIdentity.ToString();
        var other = await browser.PostAsync(Page, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        // A cross-site post without the page's antiforgery token: the page again, nothing removed.
        using var forger = await SignedInBrowserAsync(hana);
        var forged = await forger.PostAsync(Page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["return"] = $"?client_id={_app.Bootstrap.ClientId}",
            ["identity"] = hanaIdentity.ToString(),
        }));
        Assert.Contains("expired", await forged.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, _app.Count("linked_identities"));

        form["identity"] = hanaIdentity.ToString();
        var done = await browser.PostAsync(Page, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Google is disconnected", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _app.Count("linked_identities"));
        using var admin = _app.ApiKeyClient();
        var audit = await (await admin.GetAsync("/admin/v1/audit-events?action=member.identity_unlinked")).Content.ReadAsStringAsync();
        Assert.Contains("\"actor\":\"member\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_session_the_page_asks_for_a_sign_in_and_shows_nothing()
    {
        var google = await GoogleAsync();
        await LinkedMemberAsync(google, "jo@example.com");
        using var browser = _app.Browser();

        var page = await browser.GetAsync($"{Page}?client_id={_app.Bootstrap.ClientId}");
        var unknownClient = await browser.GetAsync($"{Page}?client_id=nobody");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("prompt=login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.StatusCode);
    }
}

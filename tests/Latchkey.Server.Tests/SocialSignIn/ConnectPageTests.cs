using System.Net;
using System.Net.Http.Json;
using Latchkey.Core.SocialSignIn;
using Latchkey.Server.Tests.Attacks;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// After the sign-in a social identity waited for (issue #26, docs/flows/social-sign-in.md#linking-after-a-sign-in):
/// nothing is linked until the member answers "Connect". The threat: an attacker's sealed link value planted in the
/// victim's browser (a shared computer, a sibling host's cookie) links the attacker's provider account at the victim's
/// next sign-in. With the question, the victim's "Not now" (or leaving) links nothing.
/// </summary>
public sealed class ConnectPageTests : IDisposable
{
    private readonly LatchkeyApp _app = new();
    private readonly CookieContainer _cookies = new();
    private Guid? _facebook;

    public void Dispose() => _app.Dispose();

    private HttpClient Browser() => _app.CreateDefaultClient(new CookieContainerHandler(_cookies));

    /// <summary>The sealed value a provider sign-in as <paramref name="email"/> (unproven) would leave, planted in this browser.</summary>
    private async Task<PendingLink> PlantAsync(string email)
    {
        if (_facebook is null)
        {
            using var admin = _app.ApiKeyClient();
            _facebook = (await (await admin.PostAsJsonAsync("/admin/v1/identity-providers", new { kind = "facebook", clientId = "c", clientSecret = "s" })).JsonAsync())
                .GetProperty("id").GetGuid();
        }

        var link = new PendingLink(Guid.Parse(_app.Bootstrap.SiteId), _facebook.Value, "Facebook", "attacker-sub", email,
            _app.Clock.GetUtcNow() + PendingLink.Lifetime);
        var value = _app.Services.GetRequiredService<PendingLinkSealer>().Seal(link);
        _cookies.Add(new Uri("http://localhost/"), new Cookie("lk_link_" + link.SiteId.ToString("N"), value));
        return link;
    }

    private async Task<NewMember> VerifiedMemberAsync(string email)
    {
        var member = await _app.RegisterMemberAsync(email);
        _app.MarkEmailVerified(member.Id);
        return member;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, LatchkeyApp app, NewMember member)
    {
        var form = await browser.HostedFormAsync(app.HostedSignIn());
        form["email"] = member.Email;
        form["password"] = Wix.Password;
        return await browser.PostAsync("/oauth2/authorize/login", new FormUrlEncodedContent(form));
    }

    private string? LinkCookie() => _cookies.GetAllCookies().FirstOrDefault(c => c.Name.StartsWith("lk_link_", StringComparison.Ordinal))?.Value;

    [Fact]
    public async Task A_planted_link_is_a_question_after_the_victim_s_sign_in_and_Not_now_links_nothing()
    {
        var victim = await VerifiedMemberAsync("vic@example.com");
        await PlantAsync("vic@example.com");
        using var browser = Browser();

        var signedIn = await SignInAsync(browser, _app, victim);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var question = signedIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/oauth2/authorize/connect?", question, StringComparison.Ordinal);
        Assert.Equal(0, _app.Count("linked_identities"));
        var page = await browser.GetStringAsync(question);
        Assert.Contains("Connect the Facebook account with vic@example.com to your account?", page, StringComparison.Ordinal);
        Assert.Equal(0, _app.Count("linked_identities"));

        var notNow = await browser.PostAsync("/oauth2/authorize/connect", new FormUrlEncodedContent(Attack.HiddenFields(page)));

        Assert.Equal(HttpStatusCode.Redirect, notNow.StatusCode);
        Assert.StartsWith("/oauth2/authorize?", notNow.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, _app.Count("linked_identities"));
        Assert.True(string.IsNullOrEmpty(LinkCookie()), "the waiting link outlived the answer");
    }

    [Fact]
    public async Task Connect_links_it_once_with_the_page_s_own_form_and_a_forged_post_links_nothing()
    {
        var member = await VerifiedMemberAsync("kai@example.com");
        await PlantAsync("kai@example.com");
        using var browser = Browser();
        var question = (await SignInAsync(browser, _app, member)).Headers.Location!.OriginalString;
        var form = Attack.HiddenFields(await browser.GetStringAsync(question));

        var forged = await browser.PostAsync("/oauth2/authorize/connect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["return"] = form["return"],
            ["connect"] = "1",
        }));
        Assert.Equal(0, _app.Count("linked_identities"));

        form["connect"] = "1";
        var connected = await browser.PostAsync("/oauth2/authorize/connect", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        Assert.Equal(1, _app.Count("linked_identities"));
        Assert.True(string.IsNullOrEmpty(LinkCookie()));
    }

    [Fact]
    public async Task A_link_waiting_for_another_email_is_dropped_at_sign_in_and_signing_out_drops_any()
    {
        var member = await VerifiedMemberAsync("lia@example.com");
        await PlantAsync("someone-else@example.com");
        using var browser = Browser();

        var signedIn = await SignInAsync(browser, _app, member);

        Assert.StartsWith("/oauth2/authorize?", signedIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(LinkCookie()));

        await PlantAsync("lia@example.com");
        Assert.False(string.IsNullOrEmpty(LinkCookie()));
        await browser.GetAsync($"/_api/iam/authentication/v1/logout?clientId={_app.Bootstrap.ClientId}");
        Assert.True(string.IsNullOrEmpty(LinkCookie()), "signing out kept the waiting link");
        Assert.Equal(0, _app.Count("linked_identities"));
    }
}

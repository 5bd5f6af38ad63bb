using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Server.Email;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Recovery;

/// <summary>Password recovery over a real SMTP socket: the emailed link, the reset page, and the recover API.</summary>
public sealed partial class RecoveryTests : IDisposable
{
    private const string SendEmail = "/_api/iam/recovery/v1/send-email";
    private const string Recover = "/_api/iam/recovery/v1/recover";
    private const string NewPassword = "a brand new passphrase";
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public RecoveryTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    [Fact]
    public async Task The_emailed_link_and_the_recover_API_set_a_new_password_and_end_earlier_sessions()
    {
        using var client = await _app.VisitorClientAsync();
        var id = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString();
        var refresh = await MemberRefreshTokenAsync(id!);

        var sent = await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com", redirect = new { url = "http://localhost:3000/after-reset", clientId = _app.Bootstrap.ClientId } });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var token = Link().Match(await _mail.NextBodyAsync("ann@example.com")).Groups["token"].Value;

        var recovered = await client.PostAsJsonAsync(Recover, new { recoveryToken = Uri.UnescapeDataString(token), password = NewPassword });

        var body = await recovered.JsonAsync();
        Assert.Equal("SUCCESS", body.GetProperty("state").GetString());
        Assert.True(body.GetProperty("identity").GetProperty("email").GetProperty("isVerified").GetBoolean());
        await (await client.LoginAsync("ann@example.com")).AssertWixErrorAsync(401, "invalid_credentials");
        Assert.Equal("SUCCESS", (await (await client.LoginAsync("ann@example.com", NewPassword)).JsonAsync()).GetProperty("state").GetString());
        using var anonymous = _app.CreateClient();
        var refreshed = await anonymous.PostAsJsonAsync("/oauth2/token", new { clientId = _app.Bootstrap.ClientId, grantType = "refresh_token", refreshToken = refresh });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        // Single use.
        Assert.Equal("-19972", (await (await client.PostAsJsonAsync(Recover, new { recoveryToken = Uri.UnescapeDataString(token), password = NewPassword + "!" })).AssertWixErrorAsync(400, "recovery_token_invalid")).WireCode());
    }

    [Fact]
    public async Task The_reset_page_changes_the_password_and_returns_to_the_allowed_redirect()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com", redirect = new { url = "http://localhost:3000/after-reset", clientId = _app.Bootstrap.ClientId } });
        var link = Link().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var page = await browser.GetAsync(new Uri(link).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        var fields = HiddenField().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["password"] = NewPassword;
        fields["confirm"] = NewPassword;
        var posted = await browser.PostAsync("/recovery/reset-password", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("http://localhost:3000/after-reset", posted.Headers.Location!.ToString());
        Assert.Equal("SUCCESS", (await (await client.LoginAsync("ann@example.com", NewPassword)).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_forged_Host_header_does_not_reach_the_emailed_link()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        using var forged = new HttpRequestMessage(HttpMethod.Post, SendEmail) { Content = JsonContent.Create(new { email = "ann@example.com" }) };
        forged.Headers.Host = "attacker.example";

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(forged)).StatusCode);

        var link = Link().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        Assert.NotEmpty(link);
        Assert.DoesNotContain("attacker.example", link, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_200_and_no_email()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");

        var unknown = await client.PostAsJsonAsync(SendEmail, new { email = "nobody@example.com" });
        var known = await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com" });

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        await _mail.NextBodyAsync("ann@example.com");
        await _app.Services.GetRequiredService<EmailDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(0, _mail.CountTo("nobody@example.com"));
    }

    [Fact]
    public async Task A_redirect_that_is_not_allowed_is_400_whatever_the_email()
    {
        using var client = await _app.VisitorClientAsync();

        var response = await client.PostAsJsonAsync(SendEmail, new { email = "nobody@example.com", redirect = new { url = "https://evil.example/", clientId = _app.Bootstrap.ClientId } });

        await response.AssertWixErrorAsync(400, "redirect_not_allowed");
    }

    [Fact]
    public async Task An_expired_link_no_longer_works()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com" });
        var token = Link().Match(await _mail.NextBodyAsync("ann@example.com")).Groups["token"].Value;

        _app.Clock.Advance(TimeSpan.FromMinutes(61));

        await (await client.PostAsJsonAsync(Recover, new { recoveryToken = Uri.UnescapeDataString(token), password = NewPassword })).AssertWixErrorAsync(400, "recovery_token_invalid");
    }

    [Fact]
    public async Task A_used_link_opens_on_its_end_state_in_the_sites_branding_with_the_way_back()
    {
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { displayName = "Ann's Shop" })).EnsureSuccessStatusCode();
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com", redirect = new { url = "http://localhost:3000/after-reset", clientId = _app.Bootstrap.ClientId } });
        var link = FullLink().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        var token = Link().Match(link).Groups["token"].Value;
        Assert.Equal("SUCCESS", (await (await client.PostAsJsonAsync(Recover, new { recoveryToken = Uri.UnescapeDataString(token), password = NewPassword })).JsonAsync()).GetProperty("state").GetString());
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await browser.GetAsync(new Uri(link).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();

        // The end state at once, not a form that fails only after a new password was typed.
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("This link no longer works", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        Assert.Contains("Ann&#x27;s Shop", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Latchkey", html, StringComparison.Ordinal);
        Assert.Contains("""<a href="http://localhost:3000/after-reset">Back to the site</a>""", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_link_opens_on_its_end_state_and_a_post_with_it_changes_nothing()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await client.PostAsJsonAsync(SendEmail, new { email = "ann@example.com" });
        var link = FullLink().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetAsync(new Uri(link).PathAndQuery);
        var fields = HiddenField().Matches(await form.Content.ReadAsStringAsync()).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["password"] = NewPassword;
        fields["confirm"] = NewPassword;

        _app.Clock.Advance(TimeSpan.FromMinutes(61));
        var opened = await browser.GetAsync(new Uri(link).PathAndQuery);
        var posted = await browser.PostAsync("/recovery/reset-password", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.DoesNotContain("<form", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        Assert.Contains("This link no longer works", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await (await client.LoginAsync("ann@example.com", NewPassword)).AssertWixErrorAsync(401, "invalid_credentials");
    }

    [Fact]
    public async Task An_unknown_link_gets_the_end_state_too()
    {
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await browser.GetAsync($"/recovery/reset-password?token=not-a-token&flow={Guid.CreateVersion7():N}");

        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("This link no longer works", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weak_new_password_is_a_field_violation()
    {
        using var client = await _app.VisitorClientAsync();

        await (await client.PostAsJsonAsync(Recover, new { recoveryToken = "x", password = "password" })).AssertWixErrorAsync(400, "validation_failed");
    }

    [Fact]
    public async Task An_activation_email_needs_an_api_key_and_lets_a_signed_on_member_choose_a_password()
    {
        using var admin = _app.ApiKeyClient();
        var id = (await (await admin.SignOnAsync("bob@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString();
        using var visitor = await _app.VisitorClientAsync();
        await (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/activation-email", new { identityId = id })).AssertWixErrorAsync(403, "permission_denied");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/_api/iam/recovery/v1/activation-email", new { identityId = id })).StatusCode);
        var body = await _mail.NextBodyAsync("bob@example.com");
        Assert.Contains("activate", body, StringComparison.OrdinalIgnoreCase);
        var token = Link().Match(body).Groups["token"].Value;
        Assert.Equal("SUCCESS", (await (await visitor.PostAsJsonAsync(Recover, new { recoveryToken = Uri.UnescapeDataString(token), password = NewPassword })).JsonAsync()).GetProperty("state").GetString());
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync("bob@example.com", NewPassword)).JsonAsync()).GetProperty("state").GetString());
    }

    private async Task<string> MemberRefreshTokenAsync(string memberId)
    {
        using var admin = _app.ApiKeyClient();
        var tokens = await (await admin.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorized_client",
            ["member_id"] = memberId,
            ["scope"] = "offline_access",
        }))).JsonAsync();
        return tokens.GetProperty("refresh_token").GetString()!;
    }

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=(?<token>[A-Za-z0-9_%\-]+)")]
    private static partial Regex Link();

    [GeneratedRegex(@"http://\S+/recovery/reset-password\?\S+")]
    private static partial Regex FullLink();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenField();

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }
}

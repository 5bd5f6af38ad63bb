using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.HostedPages;

/// <summary>The hosted forms run the API's guard and enumeration rules, and share their counters with the API.</summary>
public sealed partial class HostedGuardTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task With_captcha_off_ten_wrong_passwords_on_the_page_throttle_the_account_on_the_page_and_on_the_API()
    {
        var member = await _app.RegisterMemberAsync();
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "off" })).EnsureSuccessStatusCode();
        }

        using var browser = _app.Browser();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(browser, member.Email, "wrong " + i)).StatusCode);
        }

        var page = await SignInAsync(browser, member.Email, Wix.Password);
        using var visitor = await _app.VisitorClientAsync();
        var api = await visitor.LoginAsync(member.Email);

        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("Too many attempts", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await api.AssertWixErrorAsync(429, "rate_limited");
    }

    [Fact]
    public async Task On_defaults_the_widget_appears_once_failures_make_the_guard_ask_and_a_clean_address_sees_none()
    {
        var member = await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        Assert.DoesNotContain("altcha-widget", await (await browser.GetAsync((_app.Authorize(null) with { Prompt = "login" }).Url())).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Risk mode (the default): three failures on the account, then the page asks for the challenge.
        for (var i = 0; i < 3; i++)
        {
            await SignInAsync(browser, member.Email, "wrong " + i);
        }

        var page = await SignInAsync(browser, member.Email, Wix.Password);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("altcha-widget", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_enumeration_safe_registration_a_taken_email_leads_to_the_same_verify_page_as_a_new_one()
    {
        await _app.RegisterMemberAsync();
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/enumeration-policy", new { enumerationSafeRegistration = true })).EnsureSuccessStatusCode();
        using var browser = _app.Browser();

        var taken = await SignUpAsync(browser, "ann@example.com");
        var fresh = await SignUpAsync(browser, "bob@example.com");

        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(Shape(await fresh.Content.ReadAsStringAsync()), Shape(await taken.Content.ReadAsStringAsync()));
        Assert.Contains("action=\"/oauth2/authorize/verify-email\"", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password)
    {
        var form = await FormAsync(browser, (_app.Authorize(null) with { Prompt = "login" }).Url());
        form["email"] = email;
        form["password"] = password;
        return await browser.PostAsync("/oauth2/authorize/login", new FormUrlEncodedContent(form));
    }

    private async Task<HttpResponseMessage> SignUpAsync(HttpClient browser, string email)
    {
        var query = new Uri("http://x" + (_app.Authorize(null) with { Prompt = "login" }).Url()).Query;
        var form = await FormAsync(browser, "/oauth2/authorize/sign-up" + query);
        form["email"] = email;
        form["password"] = Wix.Password;
        return await browser.PostAsync("/oauth2/authorize/sign-up", new FormUrlEncodedContent(form));
    }

    private static async Task<Dictionary<string, string>> FormAsync(HttpClient browser, string url) =>
        Hidden().Matches(await (await browser.GetAsync(url)).Content.ReadAsStringAsync())
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    /// <summary>The page without its per-response values (tokens, nonces).</summary>
    private static string Shape(string html) => Volatile().Replace(html, "…");

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex Hidden();

    [GeneratedRegex("""value="[^"]*"|nonce="[^"]*"|nonce-[^;']*""")]
    private static partial Regex Volatile();
}

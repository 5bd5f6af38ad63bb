using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.HostedPages;

/// <summary>The hosted forms over plain HTTP: CSRF on every post, the strict headers on every page, the local assets.</summary>
public sealed partial class HostedFormsTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/oauth2/authorize/login")]
    [InlineData("/oauth2/authorize/sign-up")]
    [InlineData("/oauth2/authorize/forgot-password")]
    [InlineData("/oauth2/authorize/verify-email")]
    [InlineData("/oauth2/authorize/login/mfa")]
    public async Task A_post_without_the_antiforgery_token_changes_nothing_and_answers_400(string path)
    {
        using var browser = _app.Browser();
        var page = await (await browser.GetAsync((_app.Authorize(null) with { Prompt = "login" }).Url())).Content.ReadAsStringAsync();
        var returnQuery = WebUtility.HtmlDecode(Return().Match(page).Groups[1].Value);

        var posted = await browser.PostAsync(path, OAuthFlow.Form(new()
        {
            ["return"] = returnQuery,
            ["email"] = "eve@example.com",
            ["password"] = Wix.Password,
            ["code"] = "123456",
            ["state_token"] = "x",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("The form expired", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _app.Count("members"));
        Assert.Equal(0, _app.Count("flows"));
    }

    [Theory]
    [InlineData("/oauth2/authorize/sign-up")]
    [InlineData("/oauth2/authorize/forgot-password")]
    public async Task Pages_carry_the_strict_policy_and_no_store(string path)
    {
        using var browser = _app.Browser();
        var query = new Uri("http://x" + (_app.Authorize(null) with { Prompt = "login" }).Url()).Query;

        var response = await browser.GetAsync(path + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'none'; script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' http://localhost:3000", policy, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Mfa_enrolment_without_a_browser_session_sends_the_browser_to_sign_in()
    {
        using var browser = _app.Browser();
        var query = new Uri("http://x" + (_app.Authorize(null) with { Prompt = "login" }).Url()).Query;

        var response = await browser.GetAsync("/oauth2/authorize/mfa-setup" + query);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/oauth2/authorize?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.EndsWith("prompt=login", response.Headers.Location.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, _app.Count("mfa_enrolments"));
    }

    [Theory]
    [InlineData("fr de-AT en", "Konto erstellen")]
    [InlineData("fr", "Create an account")]
    public async Task Ui_locales_picks_the_first_language_the_pages_speak_else_the_site_s(string locales, string heading)
    {
        using var browser = _app.Browser();
        var query = new Uri("http://x" + (_app.Authorize(null) with { Prompt = "login" }).Url()).Query + "&ui_locales=" + Uri.EscapeDataString(locales);

        var html = await (await browser.GetAsync("/oauth2/authorize/sign-up" + query)).Content.ReadAsStringAsync();

        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_without_a_known_client_is_400()
    {
        using var browser = _app.Browser();

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/oauth2/authorize/sign-up?client_id=nobody")).StatusCode);
    }

    [Theory]
    [InlineData("hosted.css", "text/css")]
    [InlineData("altcha.js", "text/javascript")]
    [InlineData("worker.js", "text/javascript")]
    [InlineData("altcha.css", "text/css")]
    public async Task The_assets_are_served_by_the_server_itself(string name, string type)
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync("/_latchkey/assets/" + name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/_latchkey/assets/altcha.LICENSE.txt")).StatusCode);
    }

    [GeneratedRegex("""<input type="hidden" name="return" value="([^"]*)">""")]
    private static partial Regex Return();
}

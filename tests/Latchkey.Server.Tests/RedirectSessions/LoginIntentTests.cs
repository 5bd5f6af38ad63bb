using System.Net;
using System.Net.Http.Json;
using Latchkey.Server.Tests.Attacks;
using Latchkey.Server.Tests.Members;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.RedirectSessions;

/// <summary>
/// The login intent of Create Redirect Session (docs/wire/redirects.md#login-intent): the hosted sign in, returning to
/// the site's <c>postFlowUrl</c>. The attacker's tests come first: the link and the form are the browser's to change, so
/// every visit checks the client and the return address again.
/// </summary>
public sealed class LoginIntentTests : IDisposable
{
    private const string RedirectSession = "/_api/redirects-api/v1/redirect-session";
    private const string Welcome = OAuthFlow.AppOrigin + "/welcome";
    private const string Evil = "https://evil.example/phish";

    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private static object Intent(string? postFlowUrl) => postFlowUrl is null ? new { login = new { } } : new { login = new { }, callbacks = new { postFlowUrl } };

    private async Task<HttpResponseMessage> CreateAsync(string? postFlowUrl, HttpClient? caller = null)
    {
        using var visitor = caller is null ? await _app.VisitorClientAsync() : null;
        return await (caller ?? visitor!).PostAsJsonAsync(RedirectSession, Intent(postFlowUrl));
    }

    private async Task<string> FullUrlAsync(string? postFlowUrl)
    {
        var response = await CreateAsync(postFlowUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("redirectSession").GetProperty("fullUrl").GetString()!;
    }

    /// <summary>Opens <paramref name="url"/>'s sign-in form and posts it with the member's credentials.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string url, string email = "ann@example.com", Action<Dictionary<string, string>>? change = null)
    {
        var fields = await browser.HostedFormAsync(url);
        fields["email"] = email;
        fields["password"] = Wix.Password;
        change?.Invoke(fields);
        return await browser.PostAsync("/oauth2/authorize/login", OAuthFlow.Form(fields.ToDictionary(f => f.Key, f => (string?)f.Value)));
    }

    private static string Location(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task A_post_flow_url_on_an_origin_the_client_does_not_allow_is_400_and_no_url()
    {
        var response = await CreateAsync(Evil);

        await response.AssertWixErrorAsync(400, "redirect_not_allowed");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/welcome")]
    public async Task A_post_flow_url_that_is_not_an_absolute_http_url_is_400_validation_failed(string postFlowUrl)
    {
        var response = await CreateAsync(postFlowUrl);

        await response.AssertWixErrorAsync(400, "validation_failed");
        Assert.Contains("callbacks.postFlowUrl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_flow_url_over_Wix_s_2048_characters_is_400_validation_failed()
    {
        var response = await CreateAsync(Welcome + "?pad=" + new string('x', 2048));

        await response.AssertWixErrorAsync(400, "validation_failed");
    }

    [Fact]
    public async Task An_api_key_has_no_client_to_return_through_and_is_400_client_not_found()
    {
        using var admin = _app.ApiKeyClient();

        var response = await CreateAsync(Welcome, admin);

        await response.AssertWixErrorAsync(400, "client_not_found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("&prompt=login")]
    public async Task A_link_changed_to_a_foreign_post_flow_url_is_an_error_page_even_signed_in_never_a_redirect(string prompt)
    {
        await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, await FullUrlAsync(Welcome))).StatusCode);

        var response = await browser.GetAsync($"/sign-in?clientId={_app.Bootstrap.ClientId}&postFlowUrl={Uri.EscapeDataString(Evil)}{prompt}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("This sign-in link cannot be used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_posted_form_whose_return_names_a_foreign_post_flow_url_signs_nobody_in_and_redirects_nowhere()
    {
        await _app.RegisterMemberAsync();
        using var browser = _app.Browser();

        var response = await SignInAsync(browser, await FullUrlAsync(Welcome),
            change: fields => fields["return"] = $"?clientId={_app.Bootstrap.ClientId}&postFlowUrl={Uri.EscapeDataString(Evil)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(0, _app.Count("member_sessions"));
    }

    [Fact]
    public async Task A_browser_signed_in_to_one_site_is_not_returned_signed_in_to_another_site_s_client()
    {
        await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, await FullUrlAsync(Welcome))).StatusCode);
        using var otherAdmin = await SignedIn.OtherSiteAdminAsync(_app);
        var created = await otherAdmin.PostAsJsonAsync("/admin/v1/clients", new
        {
            displayName = "Other shop",
            kind = "wixSdk",
            allowedOrigins = new[] { OAuthFlow.AppOrigin },
            redirectUris = new[] { OAuthFlow.Callback },
        });
        var otherClient = (await created.JsonAsync()).GetProperty("clientId").GetString();

        var response = await browser.GetAsync($"/sign-in?clientId={otherClient}&postFlowUrl={Uri.EscapeDataString(Welcome)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("action=\"/oauth2/authorize/login\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_intent_answers_the_hosted_sign_in_for_the_caller_s_client_on_the_public_base()
    {
        var response = await CreateAsync(Welcome);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.JsonAsync()).GetProperty("redirectSession");
        var fullUrl = session.GetProperty("fullUrl").GetString()!;
        Assert.StartsWith("http://localhost/sign-in?", fullUrl, StringComparison.Ordinal);
        Assert.Equal("http://localhost/sign-in", session.GetProperty("urlDetails").GetProperty("endpoint").GetString());
        var query = QueryHelpers.ParseQuery(new Uri(fullUrl).Query);
        Assert.Equal(_app.Bootstrap.ClientId, query["clientId"].ToString());
        Assert.Equal(Welcome, query["postFlowUrl"].ToString());
        Assert.Equal("login", query["prompt"].ToString());
    }

    [Fact]
    public async Task Signing_in_there_returns_the_browser_to_the_post_flow_url_with_a_session_that_authorize_honours()
    {
        var member = await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        var fullUrl = await FullUrlAsync(Welcome);
        var page = await browser.GetAsync(fullUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"form-action 'self' {OAuthFlow.AppOrigin}", string.Join(",", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        var posted = await SignInAsync(browser, fullUrl);

        var back = Location(posted);
        Assert.StartsWith("/sign-in?", back, StringComparison.Ordinal);
        Assert.DoesNotContain("prompt=login", back, StringComparison.Ordinal);
        Assert.Equal(Welcome + "?wixMemberLoggedIn=true", Location(await browser.GetAsync(back)));
        // The site then asks for tokens without a prompt: the browser session answers with the member's code.
        var pkce = Pkce.New();
        var code = OAuthFlow.CodeFrom(await browser.GetAsync((_app.Authorize(null, pkce) with { Prompt = "none" }).Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(_app.Bootstrap.ClientId, code, pkce.Verifier)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task The_link_asks_for_credentials_even_when_the_browser_is_signed_in_as_Wix_s_login_page_does()
    {
        await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        var fullUrl = await FullUrlAsync(Welcome);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, fullUrl)).StatusCode);

        var again = await browser.GetAsync(fullUrl);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("action=\"/oauth2/authorize/login\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_post_flow_url_as_the_SDK_s_syncToWixPages_asks_the_page_says_the_member_is_signed_in()
    {
        await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        var fullUrl = await FullUrlAsync(postFlowUrl: null);
        Assert.DoesNotContain("postFlowUrl", fullUrl, StringComparison.Ordinal);

        var back = Location(await SignInAsync(browser, fullUrl));
        var signedIn = await browser.GetAsync(back);

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("You are signed in", await signedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_token_may_ask_for_it_and_keeps_its_session()
    {
        var member = await _app.RegisterMemberAsync();
        var tokens = await _app.MemberTokensAsync(member.SessionToken);
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken);

        var response = await CreateAsync(Welcome, client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().RefreshAsJsonAsync(_app.Bootstrap.ClientId, tokens.RefreshToken!)).StatusCode);
    }

    [Fact]
    public async Task Forgot_password_from_its_page_returns_after_the_reset_to_the_login_intent_not_to_authorize()
    {
        using var mailbox = new SmtpMailbox();
        using var app = new LatchkeyApp(settings: mailbox.Settings);
        await app.RegisterMemberAsync();
        using var browser = app.Browser();
        using var visitor = await app.VisitorClientAsync();
        var fullUrl = (await (await visitor.PostAsJsonAsync(RedirectSession, Intent(Welcome))).JsonAsync())
            .GetProperty("redirectSession").GetProperty("fullUrl").GetString()!;
        var forgot = "/oauth2/authorize/forgot-password" + new Uri(fullUrl).Query;
        var fields = await browser.HostedFormAsync(forgot);
        fields["email"] = "ann@example.com";
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/oauth2/authorize/forgot-password", OAuthFlow.Form(fields.ToDictionary(f => f.Key, f => (string?)f.Value)))).StatusCode);
        var link = System.Text.RegularExpressions.Regex.Match(await mailbox.NextBodyAsync("ann@example.com"), @"http://[^\s]+/recovery/reset-password\?token=[A-Za-z0-9_%\-]+").Value;
        var reset = await browser.HostedFormAsync(new Uri(link).PathAndQuery);
        reset["password"] = reset["confirm"] = "a brand new passphrase";

        var done = await (await browser.PostAsync("/recovery/reset-password", OAuthFlow.Form(reset.ToDictionary(f => f.Key, f => (string?)f.Value)))).Content.ReadAsStringAsync();

        var next = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(done, "href=\"(/sign-in\\?[^\"]+)\"").Groups[1].Value);
        Assert.StartsWith("/sign-in?", next, StringComparison.Ordinal);
        Assert.DoesNotContain("prompt=login", next, StringComparison.Ordinal);
        Assert.Equal(Welcome + "?wixMemberLoggedIn=true", Location(await browser.GetAsync(next)));
    }
}

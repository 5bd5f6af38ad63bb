using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

public partial class HostedLoginTests
{
    private const string LoginPath = "/oauth2/authorize/login";

    [Fact]
    public async Task Prompt_login_without_a_session_shows_the_login_form()
    {
        using var app = new LatchkeyApp();
        using var browser = app.Browser();

        var response = await browser.GetAsync((app.Authorize(sessionToken: null) with { Prompt = "login" }).Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"action=\"{LoginPath}\"", html, StringComparison.Ordinal);
        var fields = HiddenFields(html);
        Assert.Contains("return", fields.Keys);
        Assert.Contains(fields.Keys, name => name != "return"); // the antiforgery token
        Assert.DoesNotContain("prompt=login", fields["return"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_the_right_password_sets_the_session_and_returns_to_authorize_which_issues_a_code()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var request = app.Authorize(sessionToken: null) with { Prompt = "login" };
        var form = HiddenFields(await (await browser.GetAsync(request.Url())).Content.ReadAsStringAsync());

        var submitted = await browser.PostAsync(LoginPath, Submit(form, member.Email, Wix.Password));

        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var back = submitted.Headers.Location!.OriginalString;
        Assert.StartsWith("/oauth2/authorize?", back, StringComparison.Ordinal);
        Assert.Contains(submitted.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=", StringComparison.Ordinal));

        var code = OAuthFlow.CodeFrom(await browser.GetAsync(back));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_with_400_and_no_session()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var form = HiddenFields(await (await browser.GetAsync((app.Authorize(null) with { Prompt = "login" }).Url())).Content.ReadAsStringAsync());

        var submitted = await browser.PostAsync(LoginPath, Submit(form, member.Email, "not the password"));

        Assert.Equal(HttpStatusCode.BadRequest, submitted.StatusCode);
        Assert.Null(submitted.Headers.Location);
        var html = await submitted.Content.ReadAsStringAsync();
        Assert.Contains($"action=\"{LoginPath}\"", html, StringComparison.Ordinal);
        Assert.Equal(form["return"], HiddenFields(html)["return"]);
        Assert.False(submitted.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("lk_session=", StringComparison.Ordinal)));
    }

    private static FormUrlEncodedContent Submit(Dictionary<string, string> hidden, string email, string password) =>
        new(hidden.Append(new("email", email)).Append(new("password", password)));

    private static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInput();

    [Fact]
    public async Task A_submission_without_the_antiforgery_token_is_refused_with_400_and_no_session()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var form = HiddenFields(await (await browser.GetAsync((app.Authorize(null) with { Prompt = "login" }).Url())).Content.ReadAsStringAsync());
        var forged = new Dictionary<string, string> { ["return"] = form["return"] };

        var submitted = await browser.PostAsync(LoginPath, Submit(forged, member.Email, Wix.Password));

        Assert.Equal(HttpStatusCode.BadRequest, submitted.StatusCode);
        Assert.Null(submitted.Headers.Location);
        Assert.False(submitted.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("lk_session=", StringComparison.Ordinal)));
    }
}

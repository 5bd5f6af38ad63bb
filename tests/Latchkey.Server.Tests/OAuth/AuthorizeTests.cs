using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

public class AuthorizeTests
{
    [Theory]
    [InlineData("/oauth2/authorize", false)]
    [InlineData("/oauth2/authorize", true)]
    [InlineData("/_api/oauth2/authorize", false)]
    [InlineData("/_api/oauth2/authorize", true)]
    public async Task A_session_token_with_prompt_none_redirects_with_code_state_and_iss(string path, bool snakeCase)
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var request = app.Authorize(member.SessionToken) with { Path = path, SnakeCase = snakeCase };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(OAuthFlow.Callback + "?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var parameters = response.LocationParameters();
        Assert.False(string.IsNullOrEmpty(parameters["code"]));
        Assert.Equal(request.State, parameters["state"]);
        Assert.Equal("http://localhost/", parameters["iss"]);
    }

    [Fact]
    public async Task Response_mode_fragment_puts_the_code_and_state_in_the_fragment()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var request = app.Authorize(member.SessionToken) with { ResponseMode = "fragment" };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(OAuthFlow.Callback + "#", location, StringComparison.Ordinal);
        var parameters = response.LocationParameters();
        Assert.Equal(request.State, parameters["state"]);
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, parameters["code"], request.Pkce.Verifier)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Response_mode_web_message_posts_code_and_state_to_the_allowed_origin_and_the_code_exchanges_without_redirectUri()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        // What the SDK's getMemberTokensForDirectLogin loads in its hidden iframe: no redirectUri.
        var request = app.Authorize(member.SessionToken) with { ResponseMode = "web_message", RedirectUri = null, Path = "/_api/oauth2/authorize" };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Headers.Location);
        var (message, target) = OAuthFlow.WebMessage(await response.Content.ReadAsStringAsync());
        Assert.Equal(OAuthFlow.AppOrigin, target);
        Assert.Equal(request.State, message.GetProperty("state").GetString());
        Assert.False(message.TryGetProperty("error", out _));
        var code = message.GetProperty("code").GetString()!;

        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier, redirectUri: null)).TokensAsync();

        Assert.Equal("member", OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required_at_the_redirect_uri()
    {
        using var app = new LatchkeyApp();
        using var browser = app.Browser();
        var request = app.Authorize(sessionToken: null);

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(OAuthFlow.Callback + "?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var parameters = response.LocationParameters();
        Assert.Equal("login_required", parameters["error"]);
        Assert.Equal(request.State, parameters["state"]);
        Assert.False(parameters.ContainsKey("code"));
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("http://localhost:3000/callback/more")] // exact match only
    [InlineData("http://localhost:3000/other")]
    public async Task A_redirect_uri_not_on_the_allow_list_gets_a_400_page_and_no_redirect(string redirectUri)
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var request = app.Authorize(member.SessionToken) with { RedirectUri = redirectUri };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("web_message")]
    public async Task An_unknown_client_gets_no_redirect(string responseMode)
    {
        using var app = new LatchkeyApp();
        using var browser = app.Browser();
        var request = new AuthorizeParameters("no-such-client", Pkce.New()) { ResponseMode = responseMode };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("postMessage", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_token_works_once_and_a_second_use_gets_an_error_at_the_redirect_uri_and_no_code()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        OAuthFlow.CodeFrom(await browser.GetAsync(app.Authorize(member.SessionToken).Url()));
        var again = app.Authorize(member.SessionToken);

        var response = await browser.GetAsync(again.Url());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(OAuthFlow.Callback + "?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var parameters = response.LocationParameters();
        Assert.False(string.IsNullOrEmpty(parameters["error"]));
        Assert.Equal(again.State, parameters["state"]);
        Assert.False(parameters.ContainsKey("code"));
    }

    [Fact]
    public async Task Without_a_code_challenge_the_request_is_refused_because_PKCE_is_required()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var url = $"/oauth2/authorize?client_id={app.Bootstrap.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(OAuthFlow.Callback)}" +
                  $"&state=s1&prompt=none&session_token={member.SessionToken}";

        var response = await browser.GetAsync(url);

        // OpenIddict rejects it before the redirect URI is trusted: an error page, no code.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_code_challenge_is_refused_and_not_advertised_because_only_S256_is_allowed()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var verifier = Pkce.New().Verifier;
        var url = $"/oauth2/authorize?client_id={app.Bootstrap.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(OAuthFlow.Callback)}" +
                  $"&state=s1&prompt=none&code_challenge={verifier}&code_challenge_method=plain&session_token={member.SessionToken}";

        var response = await browser.GetAsync(url);

        var parameters = response.Headers.Location is null ? [] : response.LocationParameters();
        Assert.False(parameters.ContainsKey("code"), $"a code was issued for a plain challenge: {response.Headers.Location}");
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest || parameters.GetValueOrDefault("error") == "invalid_request");
        var metadata = await (await browser.GetAsync("/.well-known/openid-configuration")).JsonAsync();
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Response_mode_web_message_posts_login_required_and_the_state_when_there_is_no_session()
    {
        using var app = new LatchkeyApp();
        using var browser = app.Browser();
        var request = app.Authorize(sessionToken: null) with { ResponseMode = "web_message", RedirectUri = null };

        var response = await browser.GetAsync(request.Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (message, target) = OAuthFlow.WebMessage(await response.Content.ReadAsStringAsync());
        Assert.Equal(OAuthFlow.AppOrigin, target);
        Assert.Equal("login_required", message.GetProperty("error").GetString());
        Assert.Equal(request.State, message.GetProperty("state").GetString());
        Assert.False(message.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Prompt_login_shows_the_form_even_when_the_browser_has_a_session()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsync("/_api/iam/cookie/v1/createSessionCookie", HttpAssertions.Json($$"""{"sessionToken":"{{member.SessionToken}}"}"""))).EnsureSuccessStatusCode();

        var response = await browser.GetAsync((app.Authorize(sessionToken: null) with { Prompt = "login" }).Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("action=\"/oauth2/authorize/login\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

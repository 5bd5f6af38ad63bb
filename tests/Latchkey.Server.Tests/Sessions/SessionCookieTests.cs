using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Sessions;

public class SessionCookieTests
{
    private const string CreateSessionCookie = "/_api/iam/cookie/v1/createSessionCookie";

    [Fact]
    public async Task CreateSessionCookie_sets_an_HttpOnly_SameSite_Lax_lk_session_cookie()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();

        var response = await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.True(cookie.Split(';')[0].Length > "lk_session=".Length + 40);
    }

    [Fact]
    public async Task A_session_token_makes_one_cookie_only()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();

        var again = await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken });

        await again.AssertWixErrorAsync(400, "session_token_invalid");
    }

    [Fact]
    public async Task With_the_cookie_authorize_prompt_none_issues_a_code_without_a_session_token()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();
        var request = app.Authorize(sessionToken: null);

        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));

        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Logout_with_the_cookie_clears_it_ends_its_refresh_tokens_and_prompt_none_then_needs_a_login()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();
        var request = app.Authorize(sessionToken: null);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();

        var logout = await browser.GetAsync($"{Wix.Auth}/v1/logout?clientId={app.Bootstrap.ClientId}&postLogoutRedirectUri={Uri.EscapeDataString(OAuthFlow.AppOrigin + "/")}");

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Contains(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=;", StringComparison.Ordinal));
        await (await browser.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        var after = app.Authorize(sessionToken: null);
        var response = await browser.GetAsync(after.Url());
        Assert.Equal("login_required", response.LocationParameters()["error"]);
    }

    [Fact]
    public async Task Logout_ends_the_session_even_when_the_cookie_is_replayed_afterwards()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        var created = await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken });
        var cookie = created.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_session=", StringComparison.Ordinal)).Split(';')[0];
        (await browser.GetAsync($"{Wix.Auth}/v1/logout")).EnsureSuccessStatusCode();

        using var stolen = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var replay = new HttpRequestMessage(HttpMethod.Get, app.Authorize(sessionToken: null).Url());
        replay.Headers.Add("Cookie", cookie);
        var response = await stolen.SendAsync(replay);

        Assert.Equal("login_required", response.LocationParameters()["error"]);
    }

    [Fact]
    public async Task A_code_issued_through_the_cookie_does_not_exchange_after_logout()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync(CreateSessionCookie, new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();
        var request = app.Authorize(sessionToken: null);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));

        (await browser.GetAsync($"{Wix.Auth}/v1/logout")).EnsureSuccessStatusCode();

        await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).AssertOAuthErrorAsync("invalid_grant");
    }
}

using System.Net.Http.Json;
using Latchkey.Testing;
using static Latchkey.Server.Tests.Registration.RegistrationTests;

namespace Latchkey.Server.Tests.Sessions;

public class SecretsAtRestTests
{
    [Fact]
    public async Task After_a_full_flow_no_session_token_code_refresh_token_or_cookie_is_in_the_database_file()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();

        // Session token → code → tokens (Wix-SDK client), then a refresh.
        var request = app.Authorize(member.SessionToken);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        (await browser.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).EnsureSuccessStatusCode();

        // A browser session: session token → cookie → code through the cookie.
        var cookieSessionToken = await app.LoginSessionTokenAsync(member.Email);
        var created = await browser.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken = cookieSessionToken });
        var cookie = created.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_session=", StringComparison.Ordinal)).Split(';')[0]["lk_session=".Length..];
        var cookieRequest = app.Authorize(sessionToken: null);
        var cookieCode = OAuthFlow.CodeFrom(await browser.GetAsync(cookieRequest.Url()));
        var cookieTokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, cookieCode, cookieRequest.Pkce.Verifier)).TokensAsync();

        // A confidential standard client with rotating refresh tokens.
        var standard = await app.RegisterStandardClientAsync(confidential: true);
        var standardTokens = await app.MemberTokensAsync(standard, await app.LoginSessionTokenAsync(member.Email));
        var rotated = await (await browser.RefreshAsFormAsync(standard.ClientId, standardTokens.RefreshToken!, standard.ClientSecret)).TokensAsync();

        foreach (var secret in new[]
        {
            member.SessionToken, code, tokens.RefreshToken!, cookieSessionToken, cookie, cookieCode, cookieTokens.RefreshToken!,
            standardTokens.RefreshToken!, rotated.RefreshToken!, standard.ClientSecret!,
        })
        {
            AssertNowhereInDatabase(app, secret);
        }
    }
}

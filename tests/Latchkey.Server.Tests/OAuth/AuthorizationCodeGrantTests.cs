using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

public class AuthorizationCodeGrantTests
{
    private static async Task<(LatchkeyApp App, HttpClient Browser, AuthorizeParameters Request, string Code)> CodeAsync()
    {
        var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var browser = app.Browser();
        var request = app.Authorize(member.SessionToken);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));
        return (app, browser, request, code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_code_exchanges_for_member_tokens_as_camelCase_JSON_and_as_a_snake_case_form(bool form)
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            var response = form
                ? await browser.ExchangeAsFormAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier, OAuthFlow.Callback)
                : await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier);

            var tokens = await response.TokensAsync();
            Assert.Equal(14400, tokens.Body.GetProperty("expires_in").GetInt32());
            Assert.Equal("Bearer", tokens.Body.GetProperty("token_type").GetString());
            Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
            var claims = OAuthFlow.JwtPart(tokens.AccessToken, 1);
            Assert.Equal("member", claims.GetProperty("role").GetString());
            Assert.Equal(app.Bootstrap.ClientId, claims.GetProperty("client_id").GetString());
            Assert.Equal(app.Bootstrap.SiteId, claims.GetProperty("site").GetString());
        }
    }

    [Fact]
    public async Task The_access_token_is_an_ES256_JWT_whose_kid_is_in_the_jwks()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
            var jwks = await (await browser.GetAsync("/oauth2/jwks")).JsonAsync();

            Assert.Equal(3, tokens.AccessToken.Split('.').Length);
            var header = OAuthFlow.JwtPart(tokens.AccessToken, 0);
            Assert.Equal("ES256", header.GetProperty("alg").GetString());
            var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.False(key.TryGetProperty("d", out _)); // public part only
            // The private-token HMAC key (ADR 0017) is never published.
            Assert.All(jwks.GetProperty("keys").EnumerateArray(), k => Assert.Equal("EC", k.GetProperty("kty").GetString()));
        }
    }

    [Fact]
    public async Task A_code_verifier_that_does_not_match_the_challenge_is_invalid_grant()
    {
        var (app, browser, _, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, Pkce.New().Verifier)).AssertOAuthErrorAsync("invalid_grant");
        }
    }

    [Fact]
    public async Task A_missing_code_verifier_is_refused_with_invalid_request()
    {
        var (app, browser, _, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, codeVerifier: null)).AssertOAuthErrorAsync("invalid_request");
        }
    }

    [Fact]
    public async Task A_redirect_uri_other_than_the_authorized_one_is_invalid_grant()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier, "http://localhost:3000/after-reset"))
                .AssertOAuthErrorAsync("invalid_grant");
        }
    }

    [Fact]
    public async Task A_replayed_code_is_invalid_grant_and_revokes_the_refresh_token_it_issued()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            var first = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
            Assert.Equal(HttpStatusCode.OK, (await browser.RefreshAsJsonAsync(app.Bootstrap.ClientId, first.RefreshToken!)).StatusCode);

            await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).AssertOAuthErrorAsync("invalid_grant");

            await (await browser.RefreshAsJsonAsync(app.Bootstrap.ClientId, first.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        }
    }

    [Fact]
    public async Task A_code_older_than_60_seconds_is_invalid_grant()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(61));

            await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).AssertOAuthErrorAsync("invalid_grant");
        }
    }

    [Fact]
    public async Task A_code_is_bound_to_its_client()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            var other = await app.RegisterStandardClientAsync(confidential: false);

            await (await browser.ExchangeAsFormAsync(other.ClientId, code, request.Pkce.Verifier, OAuthFlow.Callback)).AssertOAuthErrorAsync("invalid_grant");
        }
    }

    [Fact]
    public async Task A_code_issued_for_a_redirect_uri_is_refused_when_the_exchange_omits_it()
    {
        var (app, browser, request, code) = await CodeAsync();
        using (app)
        using (browser)
        {
            var response = await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier, redirectUri: null);

            await response.AssertOAuthErrorAsync("invalid_request");
        }
    }
}

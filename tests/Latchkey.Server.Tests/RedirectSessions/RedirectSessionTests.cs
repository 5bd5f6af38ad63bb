using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.RedirectSessions;

public class RedirectSessionTests
{
    private const string RedirectSession = "/_api/redirects-api/v1/redirect-session";
    private const string Base = "http://localhost";

    private static object AuthIntent(string clientId, Pkce pkce, string? redirectUri = OAuthFlow.Callback, string? sessionToken = null, string prompt = "login") => new
    {
        auth = new
        {
            authRequest = new
            {
                redirectUri,
                clientId,
                codeChallenge = pkce.Challenge,
                codeChallengeMethod = "S256",
                responseMode = "query",
                responseType = "code",
                scope = "offline_access",
                state = "st-42",
                sessionToken,
            },
            prompt,
        },
    };

    [Theory]
    [InlineData(RedirectSession)]
    [InlineData("/redirect-session/v1/redirect-session")]
    public async Task An_auth_intent_answers_an_absolute_authorize_url_with_the_camelCase_parameters(string path)
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();
        var pkce = Pkce.New();

        var response = await visitor.PostAsJsonAsync(path, AuthIntent(app.Bootstrap.ClientId, pkce));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.JsonAsync()).GetProperty("redirectSession");
        var fullUrl = session.GetProperty("fullUrl").GetString()!;
        Assert.StartsWith($"{Base}/_api/oauth2/authorize?", fullUrl, StringComparison.Ordinal);
        Assert.Equal($"{Base}/_api/oauth2/authorize", session.GetProperty("urlDetails").GetProperty("endpoint").GetString());
        var query = QueryHelpers.ParseQuery(new Uri(fullUrl).Query);
        Assert.Equal(app.Bootstrap.ClientId, query["clientId"].ToString());
        Assert.Equal(OAuthFlow.Callback, query["redirectUri"].ToString());
        Assert.Equal(pkce.Challenge, query["codeChallenge"].ToString());
        Assert.Equal("S256", query["codeChallengeMethod"].ToString());
        Assert.Equal("code", query["responseType"].ToString());
        Assert.Equal("query", query["responseMode"].ToString());
        Assert.Equal("st-42", query["state"].ToString());
        Assert.Equal("login", query["prompt"].ToString());
        Assert.False(string.IsNullOrEmpty(session.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_full_url_of_an_auth_intent_with_a_session_token_redirects_with_a_code_that_exchanges()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var visitor = await app.VisitorClientAsync();
        var pkce = Pkce.New();
        var session = (await (await visitor.PostAsJsonAsync(RedirectSession,
            AuthIntent(app.Bootstrap.ClientId, pkce, sessionToken: member.SessionToken, prompt: "none"))).JsonAsync()).GetProperty("redirectSession");
        Assert.Equal(member.SessionToken, session.GetProperty("sessionToken").GetString());
        using var browser = app.Browser();

        var code = OAuthFlow.CodeFrom(await browser.GetAsync(session.GetProperty("fullUrl").GetString()));

        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, pkce.Verifier)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task An_auth_intent_with_a_redirect_uri_not_on_the_allow_list_is_400_redirect_not_allowed()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(RedirectSession, AuthIntent(app.Bootstrap.ClientId, Pkce.New(), "https://evil.example/callback"));

        await response.AssertWixErrorAsync(400, "redirect_not_allowed");
    }

    [Fact]
    public async Task An_auth_intent_for_an_unknown_client_is_400_client_not_found()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(RedirectSession, AuthIntent(Guid.CreateVersion7().ToString(), Pkce.New()));

        await response.AssertWixErrorAsync(400, "client_not_found");
    }

    [Fact]
    public async Task A_logout_intent_with_an_allowed_post_flow_url_answers_the_logout_url()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(RedirectSession, new
        {
            logout = new { clientId = app.Bootstrap.ClientId },
            callbacks = new { postFlowUrl = "http://localhost:3000/bye" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fullUrl = (await response.JsonAsync()).GetProperty("redirectSession").GetProperty("fullUrl").GetString()!;
        Assert.StartsWith($"{Base}/_api/iam/authentication/v1/logout?", fullUrl, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(fullUrl).Query);
        Assert.Equal(app.Bootstrap.ClientId, query["clientId"].ToString());
        Assert.Equal("http://localhost:3000/bye", query["postLogoutRedirectUri"].ToString());
        using var browser = app.Browser();
        var logout = await browser.GetAsync(fullUrl);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("http://localhost:3000/bye", logout.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_logout_intent_with_a_foreign_post_flow_url_is_400_redirect_not_allowed()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(RedirectSession, new
        {
            logout = new { clientId = app.Bootstrap.ClientId },
            callbacks = new { postFlowUrl = "https://evil.example/bye" },
        });

        await response.AssertWixErrorAsync(400, "redirect_not_allowed");
    }

    [Theory]
    [InlineData("""{"ecomCheckout":{}}""")]
    [InlineData("""{"login":null}""")]
    [InlineData("""{}""")]
    public async Task Other_intents_are_400_redirect_intent_unsupported(string json)
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsync(RedirectSession, HttpAssertions.Json(json));

        await response.AssertWixErrorAsync(400, "redirect_intent_unsupported");
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        using var app = new LatchkeyApp();
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsJsonAsync(RedirectSession, AuthIntent(app.Bootstrap.ClientId, Pkce.New()));

        await response.AssertWixErrorAsync(401, "unauthenticated");
    }

    [Fact]
    public async Task The_redirect_session_echoes_the_search_params_it_put_in_the_url()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        var session = (await (await visitor.PostAsJsonAsync(RedirectSession, AuthIntent(app.Bootstrap.ClientId, Pkce.New()))).JsonAsync()).GetProperty("redirectSession");

        var searchParams = session.GetProperty("urlDetails").GetProperty("searchParams");
        var query = QueryHelpers.ParseQuery(new Uri(session.GetProperty("fullUrl").GetString()!).Query);
        Assert.Equal(query.Count, searchParams.EnumerateObject().Count());
        foreach (var parameter in searchParams.EnumerateObject())
        {
            Assert.Equal(JsonValueKind.String, parameter.Value.ValueKind);
            Assert.Equal(query[parameter.Name].ToString(), parameter.Value.GetString());
        }
    }

    [Fact]
    public async Task A_signed_in_member_logging_out_with_its_member_token_ends_its_session_cookie_or_not()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken);

        var response = await client.PostAsJsonAsync(RedirectSession, new
        {
            logout = new { clientId = app.Bootstrap.ClientId },
            callbacks = new { postFlowUrl = "http://localhost:3000/" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"{Base}/_api/iam/authentication/v1/logout?",
            (await response.JsonAsync()).GetProperty("redirectSession").GetProperty("fullUrl").GetString(), StringComparison.Ordinal);
        // The SDK drops its tokens after this call and a cookie-less session has nothing else to end: the stable
        // refresh token of the Wix-SDK client must not outlive the logout.
        using var anonymous = app.CreateClient();
        await (await anonymous.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Latchkey.Server.OAuth;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// The token fast path (ADR 0025) against OpenIddict's own pipeline, in one server: the Wix SDK's exact JSON shape is
/// served by the fast path (its counter says so), the same request as a snake_case form by OpenIddict, and everything
/// a client can see of the two answers must be the same. Requests a check refuses must reach OpenIddict.
/// </summary>
public sealed class TokenFastPathTests
{
    private static readonly string[] VolatileHeaders = ["Date", "x-wix-request-id", "Content-Length"];

    [Fact]
    public async Task A_visitor_token_from_the_fast_path_is_the_one_OpenIddict_would_have_issued()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var counts = app.Services.GetRequiredService<TokenFastPath.Counts>();

        var fast = await client.PostAsync("/oauth2/token", Exact($$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"anonymous"}"""));
        Assert.Equal(1, counts.Visitor);
        var slow = await client.PostAsync("/oauth2/token", Form(("client_id", app.Bootstrap.ClientId), ("grant_type", "anonymous")));
        Assert.Equal(1, counts.Visitor);

        await AssertSameAnswerAsync(slow, fast);
    }

    [Fact]
    public async Task A_fast_visitor_refresh_token_is_accepted_by_OpenIddict()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var tokens = await (await client.PostAsync("/oauth2/token", Exact($$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"anonymous"}"""))).JsonAsync();

        var refreshed = await client.PostAsync("/oauth2/token", Form(
            ("client_id", app.Bootstrap.ClientId), ("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!)));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var access = OAuthFlow.JwtPart((await refreshed.JsonAsync()).GetProperty("access_token").GetString()!, 1);
        Assert.Equal(OAuthFlow.JwtPart(tokens.GetProperty("access_token").GetString()!, 1).GetProperty("sub").GetString(), access.GetProperty("sub").GetString());
        Assert.Equal(0, app.Count("OpenIddictTokens"));
    }

    [Theory]
    [InlineData("""{"clientId":"no-such-client","grantType":"anonymous"}""", "invalid_client", 401)]
    [InlineData("""{"clientId":"CLIENT","grantType":"anonymous","scope":"openid"}""", null, 200)]
    [InlineData("""{"clientId":"CLIENT","grantType":"anonymous","clientId":"CLIENT"}""", null, 200)]
    [InlineData("""{"clientId":"CLIENT","grantType":"anonymous"} {}""", "invalid_request", 400)]
    [InlineData("""{"clientId":"CLIENT","grantType":"anonymous","refreshToken":"x"}""", null, 200)]
    [InlineData("""{"clientId":"CLIENT","grantType":"password"}""", "unsupported_grant_type", 400)]
    [InlineData("""{"clientId":"CLIENT","grantType":"client_credentials"}""", "invalid_request", 400)]
    [InlineData("""{"clientId":"CLIENT","grantType":7}""", "unsupported_grant_type", 400)]
    [InlineData("""["CLIENT","anonymous"]""", "invalid_request", 400)]
    public async Task A_request_the_fast_path_does_not_take_gets_OpenIddicts_answer(string body, string? error, int status)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var raw = body.Replace("CLIENT", app.Bootstrap.ClientId, StringComparison.Ordinal);

        var answer = await client.PostAsync("/oauth2/token", Exact(raw));
        var chunked = await client.PostAsync("/oauth2/token", Chunked(raw));

        Assert.Equal(0, app.Services.GetRequiredService<TokenFastPath.Counts>().Visitor);
        foreach (var response in new[] { answer, chunked })
        {
            var json = await response.JsonAsync();
            Assert.Equal(error, json.TryGetProperty("error", out var e) ? e.GetString() : null);
            Assert.Equal(status, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task A_body_of_unknown_length_is_not_read()
    {
        var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""{"clientId":"c","grantType":"anonymous"}"""));
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        (http.Request.Method, http.Request.ContentType, http.Request.Host, http.Request.Body) = ("POST", "application/json", new("latchkey.test"), body);

        Assert.Null(await FastTokenRequest.ReadAsync(http.Request, CancellationToken.None));
        Assert.Same(body, http.Request.Body);
        Assert.Equal(0, body.Position);

        http.Request.ContentLength = body.Length;
        Assert.Equal(new FastTokenRequest("c", "anonymous", null), await FastTokenRequest.ReadAsync(http.Request, CancellationToken.None));
    }

    [Fact]
    public async Task A_confidential_client_is_left_to_OpenIddict_which_asks_for_its_secret()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);

        var answer = await client.PostAsync("/oauth2/token", Exact($$"""{"clientId":"{{confidential.ClientId}}","grantType":"anonymous"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("invalid_client", (await answer.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(0, app.Services.GetRequiredService<TokenFastPath.Counts>().Visitor);
    }

    [Fact]
    public async Task A_browser_origin_of_another_site_is_left_to_OpenIddict_which_refuses_it()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var other = await app.RegisterStandardClientAsync(confidential: false, origin: "https://other.example");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = Exact($$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"anonymous"}"""),
        };
        request.Headers.Add("Origin", "https://other.example");

        var answer = await client.SendAsync(request);

        // The standard client is of the bootstrap site too, so the origin is allowed: served, with the CORS headers.
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://other.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(1, app.Services.GetRequiredService<TokenFastPath.Counts>().Visitor);
        _ = other;

        var otherSite = await app.AddSiteWithClientAsync();
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = Exact($$"""{"clientId":"{{otherSite}}","grantType":"anonymous"}"""),
        };
        foreign.Headers.Add("Origin", "https://other.example");
        var refused = await client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("origin_not_allowed", (await refused.JsonAsync()).GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, app.Services.GetRequiredService<TokenFastPath.Counts>().Visitor);
    }

    [Fact]
    public async Task A_stable_member_refresh_from_the_fast_path_is_the_one_OpenIddict_would_have_issued()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var counts = app.Services.GetRequiredService<TokenFastPath.Counts>();
        var tokens = await app.MemberTokensAsync((await app.RegisterMemberAsync()).SessionToken);
        var served = counts.Refresh;

        var fast = await client.PostAsync("/oauth2/token", Exact(
            $$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"refresh_token","refreshToken":"{{tokens.RefreshToken}}"}"""));
        Assert.Equal(served + 1, counts.Refresh);
        var slow = await client.PostAsync("/oauth2/token", Form(
            ("client_id", app.Bootstrap.ClientId), ("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!)));
        Assert.Equal(served + 1, counts.Refresh);

        // The same members as OpenIddict's answer, which keeps the Wix-SDK client's refresh token: none is issued.
        await AssertSameAnswerAsync(slow, fast);
    }

    [Fact]
    public async Task A_refresh_the_fast_path_refuses_gets_OpenIddicts_answer()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var counts = app.Services.GetRequiredService<TokenFastPath.Counts>();
        var tokens = await app.MemberTokensAsync((await app.RegisterMemberAsync()).SessionToken);
        var otherSiteClient = await app.AddSiteWithClientAsync();
        var served = counts.Refresh;

        // Another client presenting the token (ValidatePresenters), a token that is not one, an access token.
        foreach (var (clientId, token) in new[] { (otherSiteClient, tokens.RefreshToken!), (app.Bootstrap.ClientId, "not-a-token"), (app.Bootstrap.ClientId, tokens.AccessToken) })
        {
            var answer = await client.PostAsync("/oauth2/token", Exact($$"""{"clientId":"{{clientId}}","grantType":"refresh_token","refreshToken":"{{token}}"}"""));
            await answer.AssertOAuthErrorAsync("invalid_grant");
        }

        // The member's session ended (the SDK's logout): refused on the next refresh, by OpenIddict's path.
        using var member = app.CreateClient();
        member.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync("/_api/redirects-api/v1/redirect-session", new
        {
            logout = new { clientId = app.Bootstrap.ClientId },
            callbacks = new { postFlowUrl = "http://localhost:3000/" },
        })).StatusCode);
        var ended = await client.PostAsync("/oauth2/token", Exact(
            $$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"refresh_token","refreshToken":"{{tokens.RefreshToken}}"}"""));
        await ended.AssertOAuthErrorAsync("invalid_grant");
        Assert.Equal(served, counts.Refresh);
    }

    [Fact]
    public async Task A_rotating_clients_refresh_is_left_to_OpenIddict()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var tokens = await app.MemberTokensAsync(standard, (await app.RegisterMemberAsync()).SessionToken);

        var rotated = await (await client.PostAsync("/oauth2/token", Exact(
            $$"""{"clientId":"{{standard.ClientId}}","grantType":"refresh_token","refreshToken":"{{tokens.RefreshToken}}"}"""))).TokensAsync();

        Assert.NotEqual(tokens.RefreshToken, rotated.RefreshToken);
        Assert.Equal(0, app.Services.GetRequiredService<TokenFastPath.Counts>().Refresh);
    }

    [Fact]
    public async Task A_request_that_also_authenticates_in_a_header_is_left_to_OpenIddict()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = Exact($$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"anonymous"}"""),
        };
        // A public client presenting a secret in Basic credentials: OpenIddict refuses the mix.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes(app.Bootstrap.ClientId + ":not-a-secret")));

        var answer = await client.SendAsync(request);

        await answer.AssertOAuthErrorAsync("invalid_client");
        Assert.Equal(0, app.Services.GetRequiredService<TokenFastPath.Counts>().Visitor);
    }

    [Fact]
    public async Task An_OpenID_Connect_refresh_is_left_to_OpenIddict_which_answers_its_identity_token()
    {
        using var app = new LatchkeyApp();
        using var browser = app.Browser();
        var session = (await app.RegisterMemberAsync()).SessionToken;
        var authorize = app.Authorize(session) with { Scope = "openid offline_access" };
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(authorize.Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, authorize.Pkce.Verifier)).TokensAsync();
        var served = app.Services.GetRequiredService<TokenFastPath.Counts>().Refresh;

        var refreshed = await (await browser.PostAsync("/oauth2/token", Exact(
            $$"""{"clientId":"{{app.Bootstrap.ClientId}}","grantType":"refresh_token","refreshToken":"{{tokens.RefreshToken}}"}"""))).TokensAsync();

        Assert.True(refreshed.Body.TryGetProperty("id_token", out _));
        Assert.Equal(served, app.Services.GetRequiredService<TokenFastPath.Counts>().Refresh);
    }

    /// <summary>Status, headers and body members alike; the tokens alike in every header and claim but their own identity and time.</summary>
    internal static async Task AssertSameAnswerAsync(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(Headers(expected), Headers(actual));
        var (want, got) = (await expected.JsonAsync(), await actual.JsonAsync());
        Assert.Equal(want.EnumerateObject().Select(p => p.Name), got.EnumerateObject().Select(p => p.Name));
        foreach (var member in want.EnumerateObject())
        {
            var other = got.GetProperty(member.Name);
            switch (member.Name)
            {
                case "access_token":
                    AssertSameJwt(member.Value.GetString()!, other.GetString()!);
                    break;
                case "refresh_token":
                    Assert.Equal(Part(member.Value.GetString()!, 0), Part(other.GetString()!, 0));
                    Assert.Equal(member.Value.GetString()!.Split('.').Length, other.GetString()!.Split('.').Length);
                    break;
                default:
                    Assert.Equal(member.Value.GetRawText(), other.GetRawText());
                    break;
            }
        }
    }

    private static void AssertSameJwt(string expected, string actual)
    {
        Assert.Equal(Part(expected, 0), Part(actual, 0));
        var (want, got) = (OAuthFlow.JwtPart(expected, 1), OAuthFlow.JwtPart(actual, 1));
        Assert.Equal(want.EnumerateObject().Select(p => p.Name), got.EnumerateObject().Select(p => p.Name));
        foreach (var claim in want.EnumerateObject().Where(c => c.Name is not ("jti" or "sub" or "iat" or "exp")))
        {
            Assert.Equal(claim.Value.GetRawText(), got.GetProperty(claim.Name).GetRawText());
        }

        Assert.Equal(want.GetProperty("exp").GetInt64() - want.GetProperty("iat").GetInt64(), got.GetProperty("exp").GetInt64() - got.GetProperty("iat").GetInt64());
    }

    private static string Part(string token, int part) => System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[part]));

    private static List<string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .Where(h => !VolatileHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}").Order(StringComparer.Ordinal).ToList();

    /// <summary>A JSON body with its length, as the Wix SDK's fetch sends it.</summary>
    internal static ByteArrayContent Exact(string json)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static StreamContent Chunked(string json)
    {
        var content = new StreamContent(new NonSeekable(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    internal static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>A body whose length HttpClient cannot know, so it is sent chunked.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>RFC 7662 introspection, RFC 7009 revocation, Wix token-info, user-info and discovery.</summary>
public class TokenInspectionTests
{
    private static async Task<JsonElement> IntrospectAsync(HttpClient client, StandardClient confidential, string token, string? hint = null)
    {
        var response = await client.PostAsync("/oauth2/introspect", OAuthFlow.Form(new()
        {
            ["client_id"] = confidential.ClientId,
            ["client_secret"] = confidential.ClientSecret,
            ["token"] = token,
            ["token_type_hint"] = hint,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static Task<HttpResponseMessage> RevokeAsync(HttpClient client, StandardClient confidential, string token, string? hint = null) =>
        client.PostAsync("/oauth2/revoke", OAuthFlow.Form(new()
        {
            ["client_id"] = confidential.ClientId,
            ["client_secret"] = confidential.ClientSecret,
            ["token"] = token,
            ["token_type_hint"] = hint,
        }));

    private static async Task<JsonElement> TokenInfoAsync(HttpClient client, string token)
    {
        var response = await client.PostAsJsonAsync("/oauth2/token-info", new { token });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Introspection_says_active_for_a_live_access_and_refresh_token()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();

        var access = await IntrospectAsync(client, confidential, tokens.AccessToken);
        var refresh = await IntrospectAsync(client, confidential, tokens.RefreshToken!, "refresh_token");

        Assert.True(access.GetProperty("active").GetBoolean());
        Assert.Equal(member.Id, access.GetProperty("sub").GetString());
        Assert.Equal(confidential.ClientId, access.GetProperty("client_id").GetString());
        Assert.True(refresh.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_revoked_refresh_token_no_longer_refreshes_and_introspects_as_inactive()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();

        var revoked = await RevokeAsync(client, confidential, tokens.RefreshToken!, "refresh_token");

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await (await client.RefreshAsFormAsync(confidential.ClientId, tokens.RefreshToken!, confidential.ClientSecret)).AssertOAuthErrorAsync("invalid_grant");
        Assert.False((await IntrospectAsync(client, confidential, tokens.RefreshToken!, "refresh_token")).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task After_the_member_session_ends_its_tokens_introspect_as_inactive()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();
        using var memberClient = app.CreateClient();
        memberClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken);

        var loggedOut = await memberClient.PostAsJsonAsync("/_api/redirects-api/v1/redirect-session", new { logout = new { clientId = confidential.ClientId } });

        Assert.Equal(HttpStatusCode.OK, loggedOut.StatusCode);
        Assert.False((await IntrospectAsync(client, confidential, tokens.AccessToken)).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync(client, confidential, tokens.RefreshToken!, "refresh_token")).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task After_a_reused_refresh_token_revokes_its_family_the_familys_access_token_introspects_as_inactive()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var first = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();
        var second = await (await client.RefreshAsFormAsync(confidential.ClientId, first.RefreshToken!, confidential.ClientSecret)).TokensAsync();
        Assert.True((await IntrospectAsync(client, confidential, second.AccessToken)).GetProperty("active").GetBoolean());

        await (await client.RefreshAsFormAsync(confidential.ClientId, first.RefreshToken!, confidential.ClientSecret)).AssertOAuthErrorAsync("invalid_grant");

        // Access tokens have no row (ADR 0016): the revoked authorization they name is what stops them.
        Assert.Equal(0, app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictTokens WHERE Type LIKE '%access_token'"));
        Assert.False((await IntrospectAsync(client, confidential, second.AccessToken)).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync(client, confidential, first.AccessToken)).GetProperty("active").GetBoolean());
        using var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/oauth2/user-info")).StatusCode);
        // Latchkey's own endpoints validate through OpenIddict's validation stack, which checks the authorization too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/mfa/v1")).StatusCode);
        Assert.False((await TokenInfoAsync(client, second.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revoking_an_access_token_is_unsupported_token_type_and_the_token_stays_active()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();

        var revoked = await RevokeAsync(client, confidential, tokens.AccessToken);

        // RFC 7009 §2.2.1: a server that cannot revoke access tokens says so; ending the session is how (ADR 0016).
        Assert.Equal(HttpStatusCode.BadRequest, revoked.StatusCode);
        Assert.Equal("unsupported_token_type", (await revoked.JsonAsync()).GetProperty("error").GetString());
        Assert.True((await IntrospectAsync(client, confidential, tokens.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_of_garbage_is_inactive()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        using var client = app.CreateClient();

        Assert.False((await IntrospectAsync(client, confidential, "not-a-token")).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Token_info_of_a_visitor_token_is_an_active_VISITOR()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var visitor = await app.VisitorTokenAsync();

        var info = await TokenInfoAsync(client, visitor);

        Assert.True(info.GetProperty("active").GetBoolean());
        Assert.Equal("VISITOR", info.GetProperty("subjectType").GetString());
        Assert.Equal(OAuthFlow.JwtPart(visitor, 1).GetProperty("sub").GetString(), info.GetProperty("subjectId").GetString());
        Assert.Equal(app.Bootstrap.ClientId, info.GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task Token_info_of_a_member_token_is_an_active_MEMBER_with_the_member_id()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        var info = await TokenInfoAsync(client, tokens.AccessToken);

        Assert.True(info.GetProperty("active").GetBoolean());
        Assert.Equal("MEMBER", info.GetProperty("subjectType").GetString());
        Assert.Equal(member.Id, info.GetProperty("subjectId").GetString());
        Assert.Equal(app.Bootstrap.SiteId, info.GetProperty("siteId").GetString());
        Assert.Equal(14400, info.GetProperty("exp").GetInt64() - info.GetProperty("iat").GetInt64());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("")]
    public async Task Token_info_of_anything_else_is_inactive_only(string token)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var info = await TokenInfoAsync(client, token);

        Assert.Equal("""{"active":false}""", info.GetRawText());
    }

    [Fact]
    public async Task Token_info_of_a_member_token_is_inactive_after_logout_of_its_session()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();
        var request = app.Authorize(sessionToken: null);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Assert.True((await TokenInfoAsync(browser, tokens.AccessToken)).GetProperty("active").GetBoolean());

        (await browser.GetAsync($"{Wix.Auth}/v1/logout")).EnsureSuccessStatusCode();

        Assert.False((await TokenInfoAsync(browser, tokens.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Token_info_of_another_sessions_member_token_is_inactive_after_a_password_change()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var a = await app.MemberTokensAsync(member.SessionToken);
        var b = await app.MemberTokensAsync(await app.LoginSessionTokenAsync(member.Email));
        using var client = app.CreateClient();

        using (var caller = app.CreateClient())
        {
            caller.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", a.AccessToken);
            (await caller.PostAsJsonAsync($"{Wix.Auth}/v2/change-password", new { newPassword = "a brand new passphrase" })).EnsureSuccessStatusCode();
        }

        Assert.False((await TokenInfoAsync(client, b.AccessToken)).GetProperty("active").GetBoolean());
        Assert.True((await TokenInfoAsync(client, a.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task User_info_with_a_member_access_token_returns_sub_and_email()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var response = await client.GetAsync("/oauth2/user-info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.JsonAsync();
        Assert.Equal(member.Id, info.GetProperty("sub").GetString());
        Assert.Equal(member.Email, info.GetProperty("email").GetString());
    }

    [Fact]
    public async Task User_info_without_a_token_is_401()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/oauth2/user-info");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Discovery_lists_the_endpoints_and_S256()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = await response.JsonAsync();
        Assert.Equal("http://localhost/", metadata.GetProperty("issuer").GetString());
        foreach (var (field, path) in new[]
        {
            ("authorization_endpoint", "/oauth2/authorize"), ("token_endpoint", "/oauth2/token"), ("jwks_uri", "/oauth2/jwks"),
            ("introspection_endpoint", "/oauth2/introspect"), ("revocation_endpoint", "/oauth2/revoke"), ("userinfo_endpoint", "/oauth2/user-info"),
        })
        {
            Assert.Equal("http://localhost" + path, metadata.GetProperty(field).GetString());
        }

        Assert.Contains("S256", metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var grants = metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
    }

    [Fact]
    public async Task Token_info_of_an_access_token_older_than_4_hours_is_inactive()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        app.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));

        Assert.False((await TokenInfoAsync(client, tokens.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_public_client_cannot_introspect()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/oauth2/introspect", OAuthFlow.Form(new() { ["client_id"] = app.Bootstrap.ClientId, ["token"] = tokens.AccessToken }));

        await response.AssertOAuthErrorAsync("unauthorized_client");
    }

    [Fact]
    public async Task A_client_cannot_revoke_another_clients_refresh_token()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(confidential, member.SessionToken);
        using var client = app.CreateClient();

        await client.PostAsync("/oauth2/revoke", OAuthFlow.Form(new() { ["client_id"] = app.Bootstrap.ClientId, ["token"] = tokens.RefreshToken }));

        Assert.True((await IntrospectAsync(client, confidential, tokens.RefreshToken!, "refresh_token")).GetProperty("active").GetBoolean());
        (await client.RefreshAsFormAsync(confidential.ClientId, tokens.RefreshToken!, confidential.ClientSecret)).EnsureSuccessStatusCode();
    }
}

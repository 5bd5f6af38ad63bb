using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

/// <summary><c>client_credentials</c> and the Wix <c>authorized_client</c> grant.</summary>
public class ClientGrantTests
{
    private static FormUrlEncodedContent ClientCredentials(string clientId, string? secret) =>
        OAuthFlow.Form(new() { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret });

    [Fact]
    public async Task Client_credentials_give_a_confidential_client_an_access_token_for_itself()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        using var client = app.CreateClient();

        var tokens = await (await client.PostAsync(OAuthFlow.Token, ClientCredentials(confidential.ClientId, confidential.ClientSecret))).TokensAsync();

        Assert.Null(tokens.RefreshToken);
        var claims = OAuthFlow.JwtPart(tokens.AccessToken, 1);
        Assert.Equal(confidential.ClientId, claims.GetProperty("sub").GetString());
        Assert.Equal("client", claims.GetProperty("role").GetString());
        Assert.Equal(app.Bootstrap.SiteId, claims.GetProperty("site").GetString());
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_are_invalid_client()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        using var client = app.CreateClient();

        var response = await client.PostAsync(OAuthFlow.Token, ClientCredentials(confidential.ClientId, confidential.ClientSecret + "x"));

        await response.AssertOAuthErrorAsync("invalid_client");
    }

    [Theory]
    [InlineData(true, null, "invalid_request")] // a public standard client has no secret to send
    [InlineData(true, "made-up-secret", "unauthorized_client")] // the grant is not among its permissions
    [InlineData(false, null, "invalid_request")] // the bootstrap (Wix SDK) client is public too
    public async Task Client_credentials_are_refused_to_a_public_client(bool standard, string? secret, string error)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var clientId = standard ? (await app.RegisterStandardClientAsync(confidential: false)).ClientId : app.Bootstrap.ClientId;

        var response = await client.PostAsync(OAuthFlow.Token, ClientCredentials(clientId, secret));

        await response.AssertOAuthErrorAsync(error);
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorized_client_with_a_sign_on_session_token_gives_member_tokens()
    {
        using var app = new LatchkeyApp();
        var visitor = await app.VisitorTokenAsync();
        using var trusted = app.ApiKeyClient(visitor);
        var signOn = await (await trusted.SignOnAsync("bob@example.com")).JsonAsync();
        var memberId = signOn.GetProperty("identity").GetProperty("id").GetString()!;

        var response = await trusted.PostAsJsonAsync(OAuthFlow.Token, new
        {
            grant_type = "authorized_client",
            member_id = memberId,
            session_token = signOn.GetProperty("sessionToken").GetString(),
        });

        var tokens = await response.TokensAsync();
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        var claims = OAuthFlow.JwtPart(tokens.AccessToken, 1);
        Assert.Equal(memberId, claims.GetProperty("sub").GetString());
        Assert.Equal("member", claims.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Authorized_client_with_offline_access_and_only_the_api_key_gives_member_tokens_the_SDK_client_can_refresh()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var trusted = app.CreateClient();
        trusted.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "," + app.Bootstrap.ApiKey); // a fresh SDK client

        var tokens = await (await trusted.PostAsJsonAsync(OAuthFlow.Token, new { grant_type = "authorized_client", scope = "offline_access", member_id = member.Id })).TokensAsync();

        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
        using var sdk = app.CreateClient();
        var renewed = await (await sdk.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).TokensAsync();
        Assert.Equal(member.Id, OAuthFlow.JwtPart(renewed.AccessToken, 1).GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.OK, (await sdk.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).StatusCode); // stable
    }

    [Fact]
    public async Task Authorized_client_naming_a_client_of_another_site_is_refused()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var foreignClientId = await app.AddSiteWithClientAsync();
        using var trusted = app.ApiKeyClient();

        var response = await trusted.PostAsJsonAsync(OAuthFlow.Token, new
        {
            grant_type = "authorized_client",
            client_id = foreignClientId,
            scope = "offline_access",
            member_id = member.Id,
        });

        await response.AssertOAuthErrorAsync("invalid_client");
    }

    [Fact]
    public async Task Authorized_client_with_a_visitor_token_but_no_api_key_is_invalid_client()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(OAuthFlow.Token, new
        {
            grant_type = "authorized_client",
            client_id = app.Bootstrap.ClientId,
            scope = "offline_access",
            member_id = member.Id,
        });

        await response.AssertOAuthErrorAsync("invalid_client");
    }

    [Fact]
    public async Task Authorized_client_with_the_session_token_of_another_member_is_invalid_grant()
    {
        using var app = new LatchkeyApp();
        using var trusted = app.ApiKeyClient(await app.VisitorTokenAsync());
        var ann = await (await trusted.SignOnAsync("ann@example.com")).JsonAsync();
        var bob = await (await trusted.SignOnAsync("bob@example.com")).JsonAsync();

        var response = await trusted.PostAsJsonAsync(OAuthFlow.Token, new
        {
            grant_type = "authorized_client",
            member_id = ann.GetProperty("identity").GetProperty("id").GetString(),
            session_token = bob.GetProperty("sessionToken").GetString(),
        });

        await response.AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task Client_credentials_accept_the_secret_in_HTTP_Basic_as_discovery_advertises()
    {
        using var app = new LatchkeyApp();
        var confidential = await app.RegisterStandardClientAsync(confidential: true);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, OAuthFlow.Token)
        {
            Content = OAuthFlow.Form(new() { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Uri.EscapeDataString(confidential.ClientId)}:{Uri.EscapeDataString(confidential.ClientSecret!)}")));

        var tokens = await (await client.SendAsync(request)).TokensAsync();

        Assert.Equal(confidential.ClientId, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }
}

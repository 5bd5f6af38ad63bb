using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

public class VisitorTokenTests
{
    [Theory]
    [InlineData("/oauth2/token")]
    [InlineData("/_api/oauth2/token")]
    public async Task Anonymous_grant_as_camelCase_JSON_returns_visitor_tokens(string path)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync(path, new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(14400, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        AssertVisitorAccessToken(body.GetProperty("access_token").GetString()!, app.Bootstrap.SiteId);
    }

    [Fact]
    public async Task Anonymous_grant_as_a_snake_case_form_works_too()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = app.Bootstrap.ClientId,
            ["grant_type"] = "anonymous",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(14400, (await response.JsonAsync()).GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task Visitor_tokens_write_no_database_rows()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        for (var i = 0; i < 25; i++)
        {
            var tokens = await (await client.PostAsJsonAsync("/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" })).JsonAsync();
            var refreshed = await client.PostAsJsonAsync("/oauth2/token",
                new { clientId = app.Bootstrap.ClientId, grantType = "refresh_token", refreshToken = tokens.GetProperty("refresh_token").GetString() });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        Assert.Equal(0, app.Count("OpenIddictTokens"));
        Assert.Equal(0, app.Count("OpenIddictAuthorizations"));
    }

    [Fact]
    public async Task A_refreshed_visitor_token_is_still_a_visitor_of_the_same_site()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" })).JsonAsync();

        var refreshed = await (await client.PostAsJsonAsync("/oauth2/token",
            new { clientId = app.Bootstrap.ClientId, grantType = "refresh_token", refreshToken = tokens.GetProperty("refresh_token").GetString() })).JsonAsync();

        AssertVisitorAccessToken(refreshed.GetProperty("access_token").GetString()!, app.Bootstrap.SiteId);
    }

    [Theory]
    [InlineData("""{"clientId":"no-such-client","grantType":"anonymous"}""", "invalid_client")]
    [InlineData("""{"grantType":"anonymous"}""", "invalid_client")]
    [InlineData("""{"clientId":"x"}""", "invalid_request")]
    [InlineData("""{"clientId":"x","grantType":"password"}""", "unsupported_grant_type")]
    [InlineData("""{"clientId":""", "invalid_request")]
    [InlineData("""[1,2]""", "invalid_request")]
    public async Task Bad_token_requests_get_RFC6749_errors(string json, string error)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/oauth2/token", HttpAssertions.Json(json));

        // RFC 6749 §5.2: invalid_client may be 401; every other error is 400.
        Assert.Equal(error == "invalid_client" ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task A_token_request_in_another_content_type_is_refused()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/oauth2/token", new StringContent("grant_type=anonymous", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_signing_key_is_stored_encrypted()
    {
        using var app = new LatchkeyApp();
        await app.VisitorTokenAsync();

        using var db = app.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT EncryptedPrivateKey, Algorithm FROM signing_keys";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var stored = (byte[])reader[0];
        Assert.Equal("ES256", reader.GetString(1));
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        // A PKCS#8 key would import; the sealed blob does not.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => ecdsa.ImportPkcs8PrivateKey(stored, out _));
    }

    private static void AssertVisitorAccessToken(string token, string siteId)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length); // a JWS, not an encrypted JWE
        var header = JsonDocument.Parse(Base64UrlDecode(parts[0])).RootElement;
        var payload = JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement;
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.False(string.IsNullOrEmpty(header.GetProperty("kid").GetString()));
        Assert.Equal("visitor", payload.GetProperty("role").GetString());
        Assert.Equal(siteId, payload.GetProperty("site").GetString());
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("sub").GetString()));
        Assert.Equal(14400, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    private static byte[] Base64UrlDecode(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}

using Latchkey.Testing;

namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>Issue #10.1: each 5xx the fuzz suite found, kept as a plain regression test.</summary>
public sealed class FuzzFindingsTests
{
    // Regression: #10 — a form field holding an encoded NUL (%00) made ReadFormAsync throw InvalidDataException: 500.
    [Theory]
    [InlineData("/oauth2/revoke")]
    [InlineData("/oauth2/authorize")]
    [InlineData("/oauth2/authorize/login")]
    public async Task A_form_value_with_an_encoded_NUL_is_a_400_malformed_body(string path)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync(path, new StringContent("token=a%00b&client_id=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertWixErrorAsync(400, "malformed_body");
    }

    [Fact]
    public async Task The_token_endpoint_answers_an_encoded_NUL_with_its_own_invalid_request()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/oauth2/token", new StringContent("grant_type=a%00b", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertOAuthErrorAsync("invalid_request");
    }

    // Regression: #10 — a JSON token request whose string held invalid UTF-8 (or an escaped lone surrogate) parsed,
    // then threw when OpenIddict read the value: 500.
    [Theory]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30 })]
    public async Task A_JSON_token_request_with_text_that_is_not_UTF8_is_invalid_request(byte[] bad)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        byte[] body = [.. "{\"grantType\":\"anonymous\",\"clientId\":\"a"u8, .. bad, .. "\"}"u8];

        var response = await client.PostAsync("/oauth2/token", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });

        await response.AssertOAuthErrorAsync("invalid_request");
    }

    // Regression: #10 — a multipart/form-data content type over a body that is not multipart made the form reader
    // throw IOException: 500. Nothing in Latchkey takes multipart, so it is refused at the edge.
    [Theory]
    [InlineData("/oauth2/token")]
    [InlineData("/oauth2/revoke")]
    [InlineData("/oauth2/authorize")]
    [InlineData("/oauth2/authorize/login")]
    [InlineData("/_api/iam/authentication/v2/login")]
    public async Task A_multipart_body_is_a_415(string path)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var content = new StringContent("grant_type=anonymous");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=----x");

        var response = await client.PostAsync(path, content);

        await response.AssertWixErrorAsync(415, "unsupported_media_type");
    }

    // Regression: #10 — a hosted form posted without the authorize query it belongs to was a 400 with no body at all.
    [Theory]
    [InlineData("/oauth2/authorize/login")]
    [InlineData("/oauth2/authorize/sign-up")]
    [InlineData("/oauth2/authorize/forgot-password")]
    [InlineData("/oauth2/authorize/login/mfa")]
    [InlineData("/oauth2/authorize/mfa-setup")]
    public async Task A_hosted_form_without_its_authorize_query_is_a_400_malformed_body(string path)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "ann@example.com" }));

        await response.AssertWixErrorAsync(400, "malformed_body");
    }

    // Regression: #10 — a parameter with an empty name (a form "=x" or "&&&=&", a query "?=x", a JSON key "") reached
    // OpenIddictRequest.SetParameter, which throws ArgumentException: 500.
    [Theory]
    [InlineData("GET", "/oauth2/authorize?=x&client_id=a", null, null)]
    [InlineData("POST", "/oauth2/authorize", "application/x-www-form-urlencoded", "&&&=&")]
    [InlineData("POST", "/oauth2/token", "application/x-www-form-urlencoded", "=x&grant_type=anonymous")]
    [InlineData("POST", "/oauth2/token", "application/json", "{\"\":\"x\",\"grantType\":\"anonymous\"}")]
    [InlineData("POST", "/oauth2/revoke", "application/x-www-form-urlencoded", "=x&token=abc")]
    [InlineData("POST", "/oauth2/introspect", "application/x-www-form-urlencoded", "=x&token=abc")]
    public async Task A_parameter_with_an_empty_name_is_never_a_500(string method, string path, string? contentType, string? body)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType!);
        }

        var response = await client.SendAsync(request);

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    // Regression: #10 — the 100,000-request run: an escaped lone surrogate inside a free-form JSON field (captchaTokens)
    // passed deserialization as a JsonElement and threw when the CAPTCHA reader took the string: 500.
    [Theory]
    [InlineData("/_api/iam/recovery/v1/send-email", """{"email":"ann@example.com","captchaTokens":[{"a":"\ud800"}]}""")]
    [InlineData("/_api/iam/authentication/v2/register", """{"loginId":{"email":"ann@example.com"},"password":"copper kettle moon","captchaTokens":{"Turnstile":"\ud800x"}}""")]
    [InlineData("/_api/iam/authentication/v2/login", """{"loginId":{"email":"ann@example.com"},"password":"x","clientMetaData":{"\udc00":1}}""")]
    public async Task A_lone_surrogate_anywhere_in_a_JSON_body_is_a_400_malformed_body(string path, string json)
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var response = await client.PostAsync(path, HttpAssertions.Json(json));

        await response.AssertWixErrorAsync(400, "malformed_body");
    }

    // Regression: #26 — a social sign-in return whose state was a self-contained token (one of Latchkey's own access
    // tokens), or a post that was not a form, made OpenIddict 7.8's client throw NullReferenceException: 500.
    [Fact]
    public async Task A_provider_return_with_a_self_contained_state_or_without_a_form_is_a_400()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var accessToken = await app.VisitorTokenAsync();

        var selfContained = await client.GetAsync($"/sign-in/social/callback?code=x&state={accessToken}");
        var json = await client.PostAsync("/sign-in/social/callback", HttpAssertions.Json("""{"code":"x","state":"y"}"""));
        var nothing = await client.GetAsync("/sign-in/social/callback");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, selfContained.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, nothing.StatusCode);
    }
}

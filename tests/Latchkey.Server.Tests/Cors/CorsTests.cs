using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Cors;

/// <summary>
/// Browsers on a site's own origin call Latchkey cross-origin (docs/cors.md): the bootstrap client allows
/// <c>http://localhost:3000</c>; <see cref="LatchkeyApp.AddSiteWithClientAsync"/> makes a second site whose client allows
/// <c>http://localhost:4000</c>.
/// </summary>
public sealed class CorsTests
{
    private const string SiteOrigin = "http://localhost:3000";
    private const string OtherSiteOrigin = "http://localhost:4000";
    private const string Stranger = "https://evil.example";

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST", string headers = "authorization, content-type, x-wix-bi-gateway")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static HttpRequestMessage From(string origin, HttpMethod method, string path, object? json = null, string? authorization = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : JsonContent.Create(json) };
        request.Headers.Add("Origin", origin);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    [Theory]
    [InlineData("/oauth2/token")]
    [InlineData("/_api/oauth2/token")]
    [InlineData("/oauth2/token-info")]
    [InlineData("/_api/iam/authentication/v2/login")]
    [InlineData("/_api/redirects-api/v1/redirect-session")]
    [InlineData("/members/v1/members/some-id/approve")]
    public async Task A_preflight_from_an_allowed_origin_gets_the_methods_and_headers_the_SDK_sends_cached_for_two_hours(string path)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Preflight(path, SiteOrigin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(SiteOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal("authorization, content-type, x-wix-bi-gateway", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("7200", Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_preflight_from_a_stranger_is_refused_without_CORS_headers()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Preflight($"{Wix.Auth}/v2/login", Stranger));

        await response.AssertWixErrorAsync(403, "origin_not_allowed");
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task A_preflight_asking_for_a_header_outside_the_list_gets_no_allowed_headers()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Preflight("/oauth2/token", SiteOrigin, headers: "content-type, x-forwarded-for"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task A_request_from_an_allowed_origin_is_answered_for_that_origin_with_the_request_id_exposed()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(From(SiteOrigin, HttpMethod.Post, "/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SiteOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("x-wix-request-id", Header(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task An_error_answer_keeps_its_CORS_headers_so_the_page_can_read_it()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var visitor = await app.VisitorTokenAsync();

        var wrong = await client.SendAsync(From(SiteOrigin, HttpMethod.Post, $"{Wix.Auth}/v2/login",
            new { loginId = new { email = "nobody@example.com" }, password = "not the password" }, visitor));
        var broken = await client.SendAsync(From(SiteOrigin, HttpMethod.Post, "/no/such/path", new { }));

        await wrong.AssertWixErrorAsync(401, "invalid_credentials");
        Assert.Equal(SiteOrigin, Header(wrong, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.NotFound, broken.StatusCode);
        Assert.Equal(SiteOrigin, Header(broken, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_state_changing_request_from_a_stranger_is_refused_before_it_runs()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var visitor = await app.VisitorTokenAsync();
        var members = app.Count("members");

        // A text/plain body needs no preflight: the browser sends it, so the server must refuse it.
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Wix.Auth}/v2/register")
        {
            Content = new StringContent("""{"loginId":{"email":"csrf@example.com"},"password":"correct horse battery"}""", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", Stranger);
        request.Headers.TryAddWithoutValidation("Authorization", visitor);
        var register = await client.SendAsync(request);
        var token = await client.SendAsync(From(Stranger, HttpMethod.Post, "/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" }));

        await register.AssertWixErrorAsync(403, "origin_not_allowed");
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        Assert.Equal("invalid_request", (await token.JsonAsync()).GetProperty("error").GetString());
        Assert.Null(Header(token, "Access-Control-Allow-Origin"));
        Assert.Null(Header(register, "Access-Control-Allow-Origin"));
        Assert.Equal(members, app.Count("members"));
    }

    [Fact]
    public async Task A_read_from_a_stranger_is_answered_without_CORS_headers_so_the_browser_hides_it()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(From(Stranger, HttpMethod.Get, "/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_origin_allowed_by_another_site_cannot_act_on_this_one()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        await app.AddSiteWithClientAsync();
        var visitor = await app.VisitorTokenAsync();

        // The preflight names no site: the other site's origin passes it, and the request itself is held to its site.
        var preflight = await client.SendAsync(Preflight("/oauth2/token", OtherSiteOrigin));
        var token = await client.SendAsync(From(OtherSiteOrigin, HttpMethod.Post, "/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" }));
        var register = await client.SendAsync(From(OtherSiteOrigin, HttpMethod.Post, $"{Wix.Auth}/v2/register",
            new { loginId = new { email = "cross@example.com" }, password = "correct horse battery" }, visitor));
        var info = await client.SendAsync(From(OtherSiteOrigin, HttpMethod.Post, "/oauth2/token-info", new { token = visitor }));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Contains("origin_not_allowed", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await register.AssertWixErrorAsync(403, "origin_not_allowed");
        await info.AssertWixErrorAsync(403, "origin_not_allowed");
        Assert.Equal(0, app.Scalar<long>("SELECT COUNT(*) FROM members WHERE email = 'cross@example.com'"));
    }

    [Fact]
    public async Task The_other_sites_origin_works_on_its_own_site()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var otherClient = await app.AddSiteWithClientAsync();

        var token = await client.SendAsync(From(OtherSiteOrigin, HttpMethod.Post, "/oauth2/token", new { clientId = otherClient, grantType = "anonymous" }));

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(OtherSiteOrigin, Header(token, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/admin/v1/clients", "problem")]
    [InlineData("/iam/signon/v1/sign-on-policies", "wix")]
    [InlineData("/oauth2/introspect", "oauth")]
    public async Task Server_to_server_endpoints_never_answer_CORS_and_refuse_browser_writes_in_their_own_error_shape(string path, string shape)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var preflight = await client.SendAsync(Preflight(path, SiteOrigin));
        var write = await client.SendAsync(From(SiteOrigin, HttpMethod.Post, path, new { kind = "standard" }, app.Bootstrap.ApiKey));
        var read = await client.SendAsync(From(SiteOrigin, HttpMethod.Get, "/admin/v1/clients", authorization: app.Bootstrap.ApiKey));

        foreach (var refused in new[] { preflight, write })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var body = await refused.JsonAsync();
            var code = shape switch
            {
                "oauth" => body.GetProperty("error").GetString() + " " + body.GetProperty("error_description").GetString(),
                _ => body.GetProperty("code").GetString(),
            };
            Assert.Contains("origin_not_allowed", code, StringComparison.Ordinal);
            Assert.Equal(shape == "problem", body.TryGetProperty("type", out _));
        }

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(read, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Credentials_are_allowed_only_where_a_cookie_is_meant()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var cookie = await client.SendAsync(Preflight("/_api/iam/cookie/v1/createSessionCookie", SiteOrigin));
        var token = await client.SendAsync(Preflight("/oauth2/token", SiteOrigin));

        Assert.Equal("true", Header(cookie, "Access-Control-Allow-Credentials"));
        Assert.Equal(SiteOrigin, Header(cookie, "Access-Control-Allow-Origin"));
        Assert.Null(Header(token, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Latchkeys_own_origin_is_not_a_cross_origin_request()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(From("http://localhost", HttpMethod.Post, "/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("http://localhost:3000/path")]
    [InlineData("file://")]
    [InlineData("not an origin")]
    public async Task Odd_origins_are_strangers(string origin)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Preflight($"{Wix.Auth}/v2/login", origin));

        await response.AssertWixErrorAsync(403, "origin_not_allowed");
    }

    [Fact]
    public async Task An_origin_added_through_the_admin_API_is_allowed_at_once_with_caching_on()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Cache:ClientSeconds"] = "300" });
        using var client = app.CreateClient();
        using var admin = app.ApiKeyClient();
        const string shop = "https://shop.example.com";

        var before = await client.SendAsync(Preflight("/oauth2/token", shop));
        (await admin.PatchAsJsonAsync($"/admin/v1/clients/{app.Bootstrap.ClientId}", new { allowedOrigins = new[] { SiteOrigin, shop } })).EnsureSuccessStatusCode();
        var after = await client.SendAsync(Preflight("/oauth2/token", shop));
        (await admin.PatchAsJsonAsync($"/admin/v1/clients/{app.Bootstrap.ClientId}", new { allowedOrigins = new[] { SiteOrigin } })).EnsureSuccessStatusCode();
        var removed = await client.SendAsync(Preflight("/oauth2/token", shop));

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
        Assert.Equal(shop, Header(after, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Forbidden, removed.StatusCode);
    }
}

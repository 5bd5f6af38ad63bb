using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: another site plants or steals a session cookie. Before issue #21 <c>createSessionCookie</c> accepted
/// <c>text/plain;json</c> (a "simple" cross-site request with no preflight) and any Origin, and the cookie had no
/// <c>__Host-</c> prefix on HTTPS. Now the endpoint takes only JSON media types, refuses an Origin that is neither one
/// of the site's clients' allowed origins nor Latchkey's own, and over HTTPS the cookie is <c>__Host-lk_session</c>.
/// </summary>
public sealed class SessionCookieAttackTests : IDisposable
{
    private const string CreateCookie = "/_api/iam/cookie/v1/createSessionCookie";
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_text_plain_body_or_a_foreign_origin_gets_no_cookie_and_spends_nothing()
    {
        var member = await _app.RegisterMemberAsync();
        using var browser = _app.Browser();

        var simple = new StringContent($$"""{"sessionToken":"{{member.SessionToken}}"}""");
        simple.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain;json");
        var plain = await browser.PostAsync(CreateCookie, simple);
        await plain.AssertWixErrorAsync(415, "unsupported_media_type");

        using var foreign = new HttpRequestMessage(HttpMethod.Post, CreateCookie) { Content = JsonContent.Create(new { sessionToken = member.SessionToken }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        var refused = await browser.SendAsync(foreign);
        await refused.AssertWixErrorAsync(403, "origin_not_allowed");

        // An origin another site allows is still not this token's site's.
        await _app.AddSiteWithClientAsync();
        using var otherSite = new HttpRequestMessage(HttpMethod.Post, CreateCookie) { Content = JsonContent.Create(new { sessionToken = member.SessionToken }) };
        otherSite.Headers.Add("Origin", "http://localhost:4000");
        var elsewhere = await browser.SendAsync(otherSite);
        await elsewhere.AssertWixErrorAsync(403, "origin_not_allowed");
        Assert.False(plain.Headers.Contains("Set-Cookie") || refused.Headers.Contains("Set-Cookie") || elsewhere.Headers.Contains("Set-Cookie"));

        // The session token was not spent: from the client's own origin it still makes the cookie.
        using var allowed = new HttpRequestMessage(HttpMethod.Post, CreateCookie) { Content = JsonContent.Create(new { sessionToken = member.SessionToken }) };
        allowed.Headers.Add("Origin", OAuthFlow.AppOrigin);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task Over_https_the_cookie_is_host_prefixed_and_still_signs_the_browser_in()
    {
        var member = await _app.RegisterMemberAsync();
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });

        var created = await browser.PostAsJsonAsync(CreateCookie, new { sessionToken = member.SessionToken });

        var cookie = Assert.Single(created.Headers.GetValues("Set-Cookie"), c => c.Contains("lk_session=", StringComparison.Ordinal));
        Assert.StartsWith("__Host-lk_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(OAuthFlow.CodeFrom(await browser.GetAsync(_app.Authorize(null).Url())));
    }
}

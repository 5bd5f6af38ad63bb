using System.Net.Http.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: Latchkey's answers are framed, sniffed or leaked through referrers. Before issue #21 only the hosted pages
/// carried security headers. Now every answer does: JSON and problem answers a deny-all policy, the API reference a
/// policy for its own script, and the web_message page a <c>frame-ancestors</c> list of the client's allowed origins.
/// </summary>
public sealed class SecurityHeaderTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static void AssertBasics(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: no nosniff");
        Assert.True(Header(response, "Referrer-Policy").Length > 0, $"{what}: no Referrer-Policy");
        Assert.True(Header(response, "Content-Security-Policy").Contains("frame-ancestors", StringComparison.Ordinal), $"{what}: no frame-ancestors");
    }

    [Fact]
    public async Task Json_problem_and_token_answers_carry_a_deny_all_policy()
    {
        using var visitor = await _app.VisitorClientAsync();
        using var anonymous = _app.CreateClient();
        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["login error"] = await visitor.LoginAsync("nobody@example.com"),
            ["jwks"] = await anonymous.GetAsync("/oauth2/jwks"),
            ["token"] = await anonymous.PostAsJsonAsync("/oauth2/token", new { clientId = _app.Bootstrap.ClientId, grantType = "anonymous" }),
            ["problem"] = await anonymous.GetAsync("/admin/v1/password-policy"),
            ["not found"] = await anonymous.GetAsync("/no/such/path"),
        };

        foreach (var (what, response) in answers)
        {
            AssertBasics(response, what);
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        }
    }

    [Fact]
    public async Task The_api_reference_and_the_web_message_page_carry_their_own_policies()
    {
        using var anonymous = _app.CreateClient();
        var reference = await anonymous.GetAsync("/api-reference");
        AssertBasics(reference, "api reference");
        Assert.Contains("frame-ancestors 'none'", Header(reference, "Content-Security-Policy"), StringComparison.Ordinal);

        var member = await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        var page = await browser.GetAsync((_app.Authorize(member.SessionToken) with { ResponseMode = "web_message", RedirectUri = null }).Url());
        AssertBasics(page, "web_message page");
        var policy = Header(page, "Content-Security-Policy");
        Assert.Contains($"frame-ancestors {OAuthFlow.AppOrigin}", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'nonce-", policy, StringComparison.Ordinal);
        Assert.Contains("nonce=\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("", Header(page, "X-Frame-Options"));
    }

    [Fact]
    public async Task Over_https_every_answer_asks_for_strict_transport_security()
    {
        using var https = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        var response = await https.GetAsync("/oauth2/jwks");

        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }
}

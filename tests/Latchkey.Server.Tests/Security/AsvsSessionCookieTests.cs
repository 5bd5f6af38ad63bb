using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Issue #10.4, ASVS 3.4.1: the session cookie is Secure whenever the request is not plain loopback HTTP; over HTTPS it
/// is also <c>__Host-</c> prefixed (ASVS 3.4.4, issue #21).
/// </summary>
public sealed class AsvsSessionCookieTests
{
    [Theory]
    [InlineData("https://localhost")]
    [InlineData("http://auth.example.com")]
    public async Task The_session_cookie_is_Secure_over_HTTPS_and_on_any_non_loopback_host(string baseAddress)
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false });

        var response = await browser.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken = member.SessionToken });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var name = baseAddress.StartsWith("https:", StringComparison.Ordinal) ? "__Host-lk_session=" : "lk_session=";
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(name, StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
    }
}

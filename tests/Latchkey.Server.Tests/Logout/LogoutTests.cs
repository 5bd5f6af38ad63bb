using System.Net;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Latchkey.Server.Tests.Logout;

public class LogoutTests
{
    private static HttpClient NoRedirects(LatchkeyApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/_api/iam/authentication/v1/logout")]
    [InlineData("/iam/authentication/v1/logout")]
    [InlineData("/authentication/v1/logout")]
    public async Task An_allow_listed_redirect_is_followed_and_the_cookie_cleared(string path)
    {
        using var app = new LatchkeyApp();
        using var client = NoRedirects(app);

        var response = await client.GetAsync($"{path}?postLogoutRedirectUri={Uri.EscapeDataString("http://localhost:3000/bye")}&clientId={app.Bootstrap.ClientId}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost:3000/bye", response.Headers.Location!.ToString());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_redirect_it_answers_a_signed_out_page()
    {
        using var app = new LatchkeyApp();
        using var client = NoRedirects(app);

        var response = await client.GetAsync($"{Wix.Auth}/v1/logout");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("signed out", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example/bye", true, "redirect_not_allowed")]
    [InlineData("http://localhost:3001/bye", true, "redirect_not_allowed")]
    [InlineData("http://localhost:3000/bye", false, "redirect_not_allowed")] // no client, no allow-list
    [InlineData("javascript:alert(1)", true, "validation_failed")]
    [InlineData("/relative", true, "validation_failed")]
    public async Task Anything_else_is_400_without_a_redirect(string redirect, bool withClient, string code)
    {
        using var app = new LatchkeyApp();
        using var client = NoRedirects(app);
        var query = $"postLogoutRedirectUri={Uri.EscapeDataString(redirect)}" + (withClient ? $"&clientId={app.Bootstrap.ClientId}" : "");

        var response = await client.GetAsync($"{Wix.Auth}/v1/logout?{query}");

        await response.AssertWixErrorAsync(400, code);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_post_logout_redirect_uri_over_2048_characters_is_400_without_a_redirect_even_on_an_allowed_origin()
    {
        using var app = new LatchkeyApp();
        using var client = NoRedirects(app);
        var redirect = "http://localhost:3000/bye?pad=" + new string('x', 2048);

        var response = await client.GetAsync($"{Wix.Auth}/v1/logout?clientId={app.Bootstrap.ClientId}&postLogoutRedirectUri={Uri.EscapeDataString(redirect)}");

        await response.AssertWixErrorAsync(400, "validation_failed");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task An_unknown_client_is_400()
    {
        using var app = new LatchkeyApp();
        using var client = NoRedirects(app);

        var response = await client.GetAsync($"{Wix.Auth}/v1/logout?clientId=nope&postLogoutRedirectUri=http://localhost:3000/");

        await response.AssertWixErrorAsync(400, "client_not_found");
        Assert.Null(response.Headers.Location);
    }
}

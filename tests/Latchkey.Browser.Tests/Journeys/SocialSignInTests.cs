using System.Net.Http.Json;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>
/// Social sign-in in Chromium (issue #26, docs/flows/social-sign-in.md): the site's provider is a real OpenID Provider
/// (npm's oidc-provider) on loopback; the hosted sign-in page shows its button, the browser goes there and back, and the
/// flow ends with the app's code and the member's tokens, a new member the first time and the same one the second.
/// </summary>
public sealed class SocialSignInTests(BrowserFixture browser) : IAsyncLifetime
{
    private HostedServer _server = null!;
    private OpenIdProvider _provider = null!;

    public async ValueTask InitializeAsync()
    {
        // The provider is on loopback, which an admin-set issuer may reach only when the server's own configuration says so.
        _server = await HostedServer.StartAsync(browser, new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        _provider = await OpenIdProvider.StartAsync(new Uri(_server.BaseUrl, "/sign-in/social/callback").AbsoluteUri);
        using var admin = _server.Admin;
        (await admin.PostAsJsonAsync("/admin/v1/identity-providers", new
        {
            kind = "openIdConnect",
            issuer = _provider.Issuer,
            clientId = _provider.ClientId,
            clientSecret = _provider.ClientSecret,
            displayName = "Example ID",
            trustEmail = true,
        })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _provider.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_provider_s_button_signs_a_new_member_up_and_the_same_member_in_again()
    {
        var first = await SignInWithProviderAsync("kim@example.com", screenshot: true);
        await _server.NewContextAsync(browser);
        var second = await SignInWithProviderAsync("kim@example.com", screenshot: false);

        Assert.Equal(first, second);
        using var admin = _server.Admin;
        var identities = await (await admin.GetAsync($"/admin/v1/members/{first}/identities")).JsonAsync();
        Assert.Equal("Example ID", Assert.Single(identities.GetProperty("identities").EnumerateArray()).GetProperty("providerName").GetString());
    }

    /// <summary>The whole journey in the browser; answers the member id of the access token the app gets.</summary>
    private async Task<string> SignInWithProviderAsync(string email, bool screenshot)
    {
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        var button = page.GetByRole(AriaRole.Link, new() { Name = "Continue with Example ID" });
        await Assertions.Expect(button).ToBeVisibleAsync();
        if (screenshot)
        {
            await _server.CheckPageAsync("sign-in-with-provider");
        }

        await button.ClickAsync();
        // The provider's own development pages: its login, then its consent.
        await page.WaitForURLAsync(url => url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").First.ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal) || url.StartsWith(_server.Callback, StringComparison.Ordinal));
        if (page.Url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal))
        {
            await page.Locator("button[type=submit]").First.ClickAsync();
        }

        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        return OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString()!;
    }
}

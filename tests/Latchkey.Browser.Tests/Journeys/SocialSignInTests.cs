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

    [Fact]
    public async Task A_provider_account_whose_email_is_not_proven_is_linked_only_after_the_member_signs_in_with_the_password_and_says_connect()
    {
        var lee = await _server.App.RegisterMemberAsync("lee@example.com");
        _server.App.MarkEmailVerified(lee.Id);

        // The provider did not verify the email: back on Latchkey's sign-in page, which says what signing in will do.
        var pkce = await ProviderLoginAsync("unverified:lee@example.com", screenshot: false);
        var page = _server.Page;
        await page.WaitForURLAsync(url => url.StartsWith(_server.BaseUrl.AbsoluteUri, StringComparison.Ordinal) && !url.Contains("/sign-in/social/", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("To connect your Example ID account, sign in to your account with lee@example.com.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToHaveValueAsync("lee@example.com");
        Assert.Equal(0, _server.App.Count("linked_identities"));
        // The provider's own pages (fonts from the internet included) are not Latchkey's to judge; the page it returned to is.
        _server.ForgetOtherPages();
        await _server.CheckPageAsync("sign-in-to-link");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Signed in as Lee: nothing is linked until Lee says so.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connect Example ID?" })).ToBeVisibleAsync();
        Assert.Equal(0, _server.App.Count("linked_identities"));
        await _server.CheckPageAsync("connect-account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect", Exact = true }).ClickAsync();
        var signedIn = OAuthFlow.JwtPart((await _server.TokensAsync(await _server.CodeAsync(), pkce)).AccessToken, 1).GetProperty("sub").GetString();
        Assert.Equal(lee.Id, signedIn);
        Assert.Equal(1, _server.App.Count("linked_identities"));

        // From now on the provider alone signs Lee in.
        await _server.NewContextAsync(browser);
        Assert.Equal(lee.Id, await SignInWithProviderAsync("unverified:lee@example.com", screenshot: false));
    }

    [Fact]
    public async Task The_member_sees_its_connected_account_on_the_hosted_page_and_disconnects_it()
    {
        var mia = await SignInWithProviderAsync("mia@example.com", screenshot: false);
        var page = _server.Page;
        _server.ForgetOtherPages();

        await page.GotoAsync(new Uri(_server.BaseUrl, $"/oauth2/authorize/identities?client_id={_server.ClientId}").AbsoluteUri);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connected accounts" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("mia@example.com")).ToBeVisibleAsync();
        await _server.CheckPageAsync("connected-accounts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disconnect Example ID" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Example ID is disconnected. You can still sign in with your email.");
        await Assertions.Expect(page.GetByText("No accounts from other providers are connected.")).ToBeVisibleAsync();
        using var admin = _server.Admin;
        var identities = await (await admin.GetAsync($"/admin/v1/members/{mia}/identities")).JsonAsync();
        Assert.Empty(identities.GetProperty("identities").EnumerateArray());
    }

    /// <summary>The whole journey in the browser; answers the member id of the access token the app gets.</summary>
    private async Task<string> SignInWithProviderAsync(string login, bool screenshot)
    {
        var pkce = await ProviderLoginAsync(login, screenshot);
        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        return OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString()!;
    }

    /// <summary>The sign-in page's provider button, then the provider's own login (and consent) as <paramref name="login"/>.</summary>
    private async Task<Pkce> ProviderLoginAsync(string login, bool screenshot)
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
        // The provider's own development pages: its login, then its consent (asked once per provider session).
        await page.WaitForURLAsync(url => url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        var consent = page.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (page.Url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"The provider's pages did not let go of the browser: {page.Url}");
            if (await consent.IsVisibleAsync())
            {
                await consent.ClickAsync();
                await page.WaitForURLAsync(url => !url.StartsWith(_provider.Issuer + "/", StringComparison.Ordinal));
                break;
            }

            await Task.Delay(100);
        }

        return pkce;
    }
}

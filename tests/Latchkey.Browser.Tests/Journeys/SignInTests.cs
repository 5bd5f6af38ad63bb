using System.Net.Http.Json;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>The hosted sign-in page in Chromium: inline errors, keyboard only, the code at the end, the site's language.</summary>
public sealed class SignInTests(BrowserFixture browser) : IAsyncLifetime
{
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostedServer.StartAsync(browser);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_shows_an_inline_error_tied_to_the_field_and_the_right_one_ends_with_a_code_and_tokens()
    {
        var member = await _server.App.RegisterMemberAsync();
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        await _server.CheckPageAsync("sign-in");

        await page.GetByLabel("Email").FillAsync(member.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var password = page.GetByLabel("Password", new() { Exact = true });
        await Assertions.Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(password).ToHaveAccessibleDescriptionAsync("Wrong email or password.");
        // Announced too, wherever the focus is: a screen reader reads an alert as the page arrives.
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.");
        await Assertions.Expect(password).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToHaveValueAsync(member.Email);
        await _server.CheckPageAsync("sign-in-error");

        await password.FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task Keyboard_only_sign_in_works_in_focus_order()
    {
        var member = await _server.App.RegisterMemberAsync();
        var pkce = await _server.OpenSignInAsync();
        var keyboard = _server.Page.Keyboard;

        // The email field has the focus on arrival; Tab walks email → password → the button.
        await Assertions.Expect(_server.Page.GetByLabel("Email")).ToBeFocusedAsync();
        await keyboard.TypeAsync(member.Email);
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(_server.Page.GetByLabel("Password", new() { Exact = true })).ToBeFocusedAsync();
        await keyboard.TypeAsync(Wix.Password);
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(_server.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");

        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task The_site_branding_and_language_show_on_the_page()
    {
        await _server.PatchAsync("/admin/v1/branding", new { displayName = "Wald & Wiese", primaryColor = "#166534", language = "de" });

        await _server.OpenSignInAsync();
        var page = _server.Page;

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Anmelden");
        await Assertions.Expect(page).ToHaveTitleAsync("Anmelden · Wald & Wiese");
        await Assertions.Expect(page.GetByLabel("E-Mail-Adresse")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" })).ToHaveCSSAsync("background-color", "rgb(22, 101, 52)");
        await _server.CheckPageAsync("sign-in-de");
    }

    [Fact]
    public async Task The_Wix_SDK_s_redirect_session_with_prompt_login_opens_the_hosted_page_and_returns_a_code()
    {
        var member = await _server.App.RegisterMemberAsync();
        var pkce = Pkce.New();
        using var visitor = await _server.App.VisitorClientAsync();
        var session = await visitor.PostAsJsonAsync("/_api/redirects-api/v1/redirect-session", new
        {
            auth = new
            {
                authRequest = new
                {
                    clientId = _server.ClientId,
                    redirectUri = _server.Callback,
                    responseType = "code",
                    responseMode = "query",
                    scope = "offline_access",
                    state = "from-the-sdk",
                    codeChallenge = pkce.Challenge,
                    codeChallengeMethod = "S256",
                },
                prompt = "login",
            },
        });
        var fullUrl = new Uri((await session.JsonAsync()).GetProperty("redirectSession").GetProperty("fullUrl").GetString()!);

        // The camelCase /_api/oauth2/authorize URL the SDK navigates to, on the address this test reaches the server at.
        await _server.Page.GotoAsync(new Uri(_server.BaseUrl, fullUrl.PathAndQuery).AbsoluteUri);
        await _server.Page.GetByLabel("Email").FillAsync(member.Email);
        await _server.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await _server.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var code = await _server.CodeAsync();
        Assert.Contains("state=from-the-sdk", _server.Page.Url, StringComparison.Ordinal);
        await _server.TokensAsync(code, pkce);
    }
}

using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>
/// The site's CAPTCHA policy on (ALTCHA, always): the bundled widget, served by Latchkey under its strict CSP, solves
/// the challenge in a worker and posts its payload with the form; the server checks it as it checks the API's token.
/// </summary>
public sealed class CaptchaTests(BrowserFixture browser) : IAsyncLifetime
{
    private HostedServer _server = null!;
    private NewMember _member = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await HostedServer.StartAsync(browser);
        _member = await _server.App.RegisterMemberAsync();
        await _server.PatchAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "altcha", altchaMaxNumber = 5000 });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Sign_in_with_the_solved_widget_ends_with_a_code()
    {
        var member = _member;
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        await Assertions.Expect(page.Locator("altcha-widget")).ToBeVisibleAsync();
        await _server.CheckPageAsync("sign-in-captcha");

        await page.GetByLabel("Email").FillAsync(member.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await page.GetByLabel("I am not a robot").ClickAsync();
        await Assertions.Expect(page.Locator("input[name=altcha]")).Not.ToHaveValueAsync("", new() { Timeout = 30_000 });
        await _server.CheckPageAsync("sign-in-captcha-solved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Without_the_widget_s_solution_the_server_refuses_the_sign_in_on_the_page()
    {
        var member = _member;
        await _server.OpenSignInAsync();
        var page = _server.Page;

        // A script that skips the widget: remove it, post the form anyway.
        await page.EvaluateAsync("() => document.querySelector('altcha-widget').remove()");
        await page.GetByLabel("Email").FillAsync(member.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Please confirm that you are not a robot.");
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
    }
}

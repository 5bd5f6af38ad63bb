using System.Text.RegularExpressions;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>
/// Forgot password → the link in the real email → a new password → signed in at once (issue #21: a completed recovery
/// signs the browser in) → code → tokens; the new password then signs in again.
/// </summary>
public sealed partial class RecoveryTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string NewPassword = "a brand new passphrase";
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostedServer.StartAsync(browser);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Forgot_then_reset_from_the_emailed_link_signs_in_and_ends_with_a_code_and_the_new_password_works()
    {
        var member = await _server.App.RegisterMemberAsync();
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await _server.CheckPageAsync("forgot-password");

        await page.GetByLabel("Email").FillAsync(member.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check your email");
        await _server.CheckPageAsync("forgot-password-sent");

        // The link as emailed, opened on the address this test reaches the server at.
        var link = new Uri(Link().Match(await _server.Mailbox.NextBodyAsync(member.Email)).Value);
        await page.GotoAsync(new Uri(_server.BaseUrl, link.PathAndQuery).AbsoluteUri);
        await _server.CheckPageAsync("reset-password");

        await page.GetByLabel("New password").FillAsync(NewPassword);
        await page.GetByLabel("Repeat the password").FillAsync(NewPassword + " typo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Repeat the password")).ToHaveAccessibleDescriptionAsync("The two passwords differ.");
        await _server.CheckPageAsync("reset-password-error");

        await page.GetByLabel("New password").FillAsync(NewPassword);
        await page.GetByLabel("Repeat the password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Password changed");
        await Assertions.Expect(page.GetByText("you are signed in")).ToBeVisibleAsync();
        await _server.CheckPageAsync("reset-password-done");

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        var signedIn = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(signedIn.AccessToken, 1).GetProperty("sub").GetString());

        // The link again: its end state at once, in the site's name, with the way to a new link for this sign-in.
        await page.GotoAsync(new Uri(_server.BaseUrl, link.PathAndQuery).AbsoluteUri);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link no longer works");
        await Assertions.Expect(page.GetByLabel("New password")).ToHaveCountAsync(0);
        await _server.CheckPageAsync("reset-password-ended");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ask for a new link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Reset your password");

        // And the new password signs in.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(member.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_answer_and_no_email()
    {
        await _server.OpenSignInAsync();
        var page = _server.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();

        await page.GetByLabel("Email").FillAsync("nobody@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send link" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check your email");
        await Assertions.Expect(page.GetByText("If an account uses nobody@example.com")).ToBeVisibleAsync();
        Assert.Equal(0, _server.Mailbox.CountTo("nobody@example.com"));
    }

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=[A-Za-z0-9_%\-]+&flow=[0-9a-f]+")]
    private static partial Regex Link();
}

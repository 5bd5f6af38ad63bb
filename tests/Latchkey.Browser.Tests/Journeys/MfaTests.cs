using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;
using OtpNet;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>TOTP enrolment with a QR code after sign-in, then a sign-in that asks for the second step.</summary>
public sealed class MfaTests(BrowserFixture browser) : IAsyncLifetime
{
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostedServer.StartAsync(browser);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Enrol_with_the_QR_page_then_sign_in_with_a_TOTP_code_and_with_a_recovery_code()
    {
        await _server.PatchAsync("/admin/v1/branding", new { offerMfaEnrolment = true });
        var member = await _server.App.RegisterMemberAsync();
        var pkce = await SignInAsync(member.Email);

        // Offered after the password: a QR code, the key in text, and a code field.
        var page = _server.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Set up two-step verification");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        await _server.CheckPageAsync("mfa-setup");
        var secret = Base32Encoding.ToBytes(await page.Locator("#totp-secret").TextContentAsync());

        await page.GetByLabel("6-digit code from the app").FillAsync(Code(secret) == "000000" ? "000001" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("6-digit code from the app")).ToHaveAccessibleDescriptionAsync("That code is wrong.");
        Assert.Equal(secret, Base32Encoding.ToBytes(await page.Locator("#totp-secret").TextContentAsync()));

        await page.GetByLabel("6-digit code from the app").FillAsync(Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Two-step verification is on");
        var recoveryCodes = await page.Locator(".lk-codes code").AllTextContentsAsync();
        Assert.Equal(10, recoveryCodes.Count);
        await _server.CheckPageAsync("mfa-recovery-codes");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await _server.TokensAsync(await _server.CodeAsync(), pkce);

        // Another browser: the password leads to the second step; a wrong code is inline, the next TOTP code passes.
        await _server.NewContextAsync(browser);
        pkce = await SignInAsync(member.Email);
        page = _server.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Two-step verification");
        await _server.CheckPageAsync("mfa-challenge");
        var field = page.GetByLabel("Code from your authenticator app, or a recovery code");
        await field.FillAsync("12345678");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await _server.CheckPageAsync("mfa-challenge-error");
        _server.App.Clock.Advance(TimeSpan.FromSeconds(30));
        await field.FillAsync(Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());

        // A recovery code works too, once.
        await _server.NewContextAsync(browser);
        pkce = await SignInAsync(member.Email);
        await _server.Page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(recoveryCodes[0]);
        await _server.Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await _server.TokensAsync(await _server.CodeAsync(), pkce);
    }

    private async Task<Pkce> SignInAsync(string email)
    {
        var pkce = await _server.OpenSignInAsync();
        await _server.Page.GetByLabel("Email").FillAsync(email);
        await _server.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await _server.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return pkce;
    }

    private string Code(byte[] secret) => new Totp(secret).ComputeTotp(_server.App.Clock.GetUtcNow().UtcDateTime);
}

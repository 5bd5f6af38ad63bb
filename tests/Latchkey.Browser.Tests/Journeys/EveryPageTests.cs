using System.Text;
using System.Text.RegularExpressions;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;
using OtpNet;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>
/// Every hosted page, reached the way a member reaches it, on a site with a light brand colour, a logo, German,
/// CAPTCHA always on, email verification and MFA enrolment offered. Each page must pass the basic accessibility
/// checks (<see cref="PageAudit"/>), load nothing from outside the server, log no CSP refusal, and carry the
/// strict Content-Security-Policy.
/// </summary>
public sealed partial class EveryPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Email = "jana@example.com";
    private const string NewPassword = "ein ganz neues Passwort";
    private static readonly string Logo = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(
        """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#166534"/></svg>"""));

    private readonly List<string> _pagesWithoutPolicy = [];
    private int _pagesSeen;
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await HostedServer.StartAsync(browser);
        await _server.PatchAsync("/admin/v1/branding", new
        {
            displayName = "Wald & Wiese",
            logoUrl = Logo,
            primaryColor = "#fde047",
            language = "de",
            offerMfaEnrolment = true,
        });
        await _server.PatchAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } });
        await _server.PatchAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "altcha", altchaMaxNumber = 1000 });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Every_page_is_accessible_branded_and_self_contained()
    {
        WatchPolicies();
        var page = _server.Page;

        // Sign up → verify email → MFA enrolment → recovery codes → the app.
        var pkce = await _server.OpenSignInAsync();
        await Check("de-sign-in");
        var contrast = await PageAudit.PrimaryContrastsAsync(page);
        Assert.All(contrast, ratio => Assert.True(ratio >= 4.5, $"{ratio}:1"));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" })).ToHaveCSSAsync("color", "rgb(0, 0, 0)");
        await Assertions.Expect(page.Locator("img.lk-logo")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Konto erstellen" }).ClickAsync();
        await Check("de-sign-up");
        await page.GetByLabel("E-Mail-Adresse").FillAsync(Email);
        await page.GetByLabel("Passwort").FillAsync(Wix.Password);
        await SolveCaptchaAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Konto erstellen" }).ClickAsync();

        await Check("de-verify-email");
        await page.GetByLabel("Code aus der E-Mail").FillAsync(Code().Match(await _server.Mailbox.NextBodyAsync(Email)).Groups[1].Value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Bestätigen" }).ClickAsync();

        await Check("de-mfa-setup");
        var secret = Base32Encoding.ToBytes(await page.Locator("#totp-secret").TextContentAsync());
        await page.GetByLabel("6-stelliger Code aus der App").FillAsync(Totp(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Einschalten" }).ClickAsync();
        await Check("de-mfa-recovery-codes");
        await page.GetByRole(AriaRole.Link, new() { Name = "Weiter" }).ClickAsync();
        await _server.TokensAsync(await _server.CodeAsync(), pkce);

        // Another browser: forgot password → the emailed link → reset → sign in → MFA challenge → the app.
        await _server.NewContextAsync(browser);
        WatchPolicies();
        page = _server.Page;
        pkce = await _server.OpenSignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Passwort vergessen?" }).ClickAsync();
        await Check("de-forgot-password");
        await page.GetByLabel("E-Mail-Adresse").FillAsync(Email);
        await SolveCaptchaAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Link senden" }).ClickAsync();
        await Check("de-forgot-password-sent");

        var link = new Uri(ResetLink().Match(await _server.Mailbox.NextBodyAsync(Email)).Value);
        await page.GotoAsync(new Uri(_server.BaseUrl, link.PathAndQuery).AbsoluteUri);
        await Check("de-reset-password");
        await page.GetByLabel("Neues Passwort").FillAsync(NewPassword);
        await page.GetByLabel("Passwort wiederholen").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Passwort speichern" }).ClickAsync();
        await Check("de-reset-password-done");

        await page.GetByRole(AriaRole.Link, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByLabel("E-Mail-Adresse").FillAsync(Email);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(NewPassword);
        await SolveCaptchaAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await Check("de-mfa-challenge");
        _server.App.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Code aus Ihrer Authenticator-App oder ein Wiederherstellungscode").FillAsync(Totp(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Bestätigen" }).ClickAsync();
        await _server.TokensAsync(await _server.CodeAsync(), pkce);

        // Logout without a redirect: the signed-out page, in the site's branding.
        await page.GotoAsync(new Uri(_server.BaseUrl, $"/_api/iam/authentication/v1/logout?clientId={_server.ClientId}").AbsoluteUri);
        await Check("de-signed-out");

        // The login intent with no return address (the SDK's syncToWixPages): sign in, second factor, "signed in".
        await page.GotoAsync(new Uri(_server.BaseUrl, $"/sign-in?clientId={_server.ClientId}&prompt=login").AbsoluteUri);
        await page.GetByLabel("E-Mail-Adresse").FillAsync(Email);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(NewPassword);
        await SolveCaptchaAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        _server.App.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Code aus Ihrer Authenticator-App oder ein Wiederherstellungscode").FillAsync(Totp(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Bestätigen" }).ClickAsync();
        await Check("de-signed-in");

        // Owner approval: a new member waits.
        await _server.PatchAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = false, requireOwnerApproval = true } });
        await _server.NewContextAsync(browser);
        WatchPolicies();
        page = _server.Page;
        await _server.OpenSignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Konto erstellen" }).ClickAsync();
        await page.GetByLabel("E-Mail-Adresse").FillAsync("lena@example.com");
        await page.GetByLabel("Passwort").FillAsync(Wix.Password);
        await SolveCaptchaAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Konto erstellen" }).ClickAsync();
        await Check("de-owner-approval");

        Assert.Empty(_pagesWithoutPolicy);
        Assert.True(_pagesSeen >= 13, $"only {_pagesSeen} pages were watched");
    }

    private async Task Check(string name)
    {
        await Assertions.Expect(_server.Page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await _server.CheckPageAsync(name);
    }

    /// <summary>Every HTML page this server answers must carry the strict policy.</summary>
    private void WatchPolicies() => _server.Page.Response += async (_, response) =>
    {
        if (!response.Request.IsNavigationRequest || !response.Url.StartsWith(_server.BaseUrl.AbsoluteUri, StringComparison.Ordinal) ||
            response.Status >= 300)
        {
            return;
        }

        Interlocked.Increment(ref _pagesSeen);
        var policy = (await response.AllHeadersAsync()).GetValueOrDefault("content-security-policy");
        if (policy is null || !policy.StartsWith("default-src 'none'; script-src 'self';", StringComparison.Ordinal))
        {
            _pagesWithoutPolicy.Add(response.Url);
        }
    };

    private async Task SolveCaptchaAsync()
    {
        await _server.Page.GetByLabel("Ich bin kein Roboter").ClickAsync();
        await Assertions.Expect(_server.Page.Locator("input[name=altcha]")).Not.ToHaveValueAsync("", new() { Timeout = 30_000 });
    }

    private string Totp(byte[] secret) => new Totp(secret).ComputeTotp(_server.App.Clock.GetUtcNow().UtcDateTime);

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex Code();

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=[A-Za-z0-9_%\-]+&flow=[0-9a-f]+")]
    private static partial Regex ResetLink();
}

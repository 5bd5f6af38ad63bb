using System.Text.RegularExpressions;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>Sign up → the code from the real email (SMTP on loopback) → back at the app with a code → tokens; owner approval.</summary>
public sealed partial class SignUpTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Email = "new.member@example.com";
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostedServer.StartAsync(browser);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Sign_up_then_the_emailed_code_ends_at_the_app_with_a_code_that_gives_tokens()
    {
        await _server.PatchAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } });
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await _server.CheckPageAsync("sign-up");

        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check your email");
        await _server.CheckPageAsync("verify-email");
        var first = CodeIn(await _server.Mailbox.NextBodyAsync(Email));

        // A wrong code is an inline error on the code field; the flow goes on.
        await page.GetByLabel("Code from the email").FillAsync(first == "000000" ? "111111" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Code from the email")).ToHaveAttributeAsync("aria-invalid", "true");
        await _server.CheckPageAsync("verify-email-error");

        // Resend: 30 seconds apart; the new code replaces the first.
        _server.App.Clock.Advance(TimeSpan.FromSeconds(31));
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a new code" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("A new code is on its way.");
        var second = CodeIn(await _server.Mailbox.NextBodyAsync(Email));

        await page.GetByLabel("Code from the email").FillAsync(second);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        var tokens = await _server.TokensAsync(await _server.CodeAsync(), pkce);
        Assert.Equal("member", OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_taken_email_is_an_inline_error_on_the_email_field()
    {
        await _server.App.RegisterMemberAsync(Email);
        await _server.OpenSignInAsync();
        var page = _server.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();

        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var email = page.GetByLabel("Email");
        await Assertions.Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(email).ToBeFocusedAsync();
        await Assertions.Expect(email).ToHaveAccessibleDescriptionAsync("An account with this email already exists. Sign in instead.");
    }

    [Fact]
    public async Task With_owner_approval_the_member_waits_and_after_approval_signs_in_to_a_code()
    {
        await _server.PatchAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireOwnerApproval = true } });
        var pkce = await _server.OpenSignInAsync();
        var page = _server.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Waiting for approval");
        await _server.CheckPageAsync("owner-approval");

        using (var admin = _server.Admin)
        {
            (await admin.PostAsync($"/members/v1/members/{MemberId()}/approve", null)).EnsureSuccessStatusCode();
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Try signing in again" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Wix.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await _server.TokensAsync(await _server.CodeAsync(), pkce);
    }

    private string MemberId()
    {
        using var db = _server.App.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT Id FROM members";
        return command.ExecuteScalar()!.ToString()!;
    }

    private static string CodeIn(string body) => Code().Match(body) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException(body);

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex Code();
}

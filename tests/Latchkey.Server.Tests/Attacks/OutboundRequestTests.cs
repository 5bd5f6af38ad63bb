using System.Net;
using System.Net.Http.Json;
using Latchkey.Server.Email;
using Latchkey.Server.Tests.AbuseProtection;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: a site's admin key makes the server connect where it should not (SSRF). Before issue #21 a CAPTCHA
/// verifyUrl or SMTP host on loopback or a private network was accepted and connected to: the server trusted a fake
/// verifier's <c>{"success":true}</c>, and 400 versus 503 scanned ports. Now such destinations are refused when they
/// are set, and again at connect time after DNS resolution (a name may point elsewhere later), unless the server's
/// own configuration allow-lists the network.
/// </summary>
public sealed class OutboundRequestTests : IDisposable
{
    private readonly SmtpMailbox _mail = new();

    public void Dispose() => _mail.Dispose();

    public static TheoryData<string> NonPublic() =>
    [
        "http://127.0.0.1:9/siteverify", "http://localhost:9/siteverify", "http://[::1]:9/siteverify", "http://[::ffff:127.0.0.1]:9/x",
        "http://10.1.2.3/siteverify", "http://172.16.0.1/x", "http://192.168.1.1/x", "http://100.64.0.1/x", "http://0.0.0.0/x",
        "http://169.254.169.254/latest/meta-data", "http://[fd00:ec2::254]/x", "http://[fe80::1]/x",
    ];

    [Theory]
    [MemberData(nameof(NonPublic))]
    public async Task A_captcha_verify_url_that_is_not_public_is_refused(string url)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var response = await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "turnstile", secret = "s", verifyUrl = url });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.Contains("verifyUrl", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_verifier_written_behind_the_admin_checks_back_is_never_connected_to()
    {
        await using var verifier = await CaptchaProviderStub.StartAsync();
        using var app = new LatchkeyApp();
        using (var admin = app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "turnstile", secret = "s" })).EnsureSuccessStatusCode();
        }

        // As if a public name now resolves to loopback: the URL is in the database, the connect-time check still holds.
        app.Execute($"""UPDATE sites SET "Captcha_VerifyUrl" = '{verifier.BaseUrl}/siteverify'""");
        using var visitor = await app.VisitorClientAsync();
        var response = await visitor.PostAsJsonAsync($"{Wix.Auth}/v2/register", new
        {
            loginId = new { email = "ann@example.com" },
            password = Wix.Password,
            captchaTokens = new[] { new { Turnstile = "good" } },
        });

        await response.AssertWixErrorAsync(400, "captcha_invalid");
        Assert.Empty(verifier.Received);
        Assert.Equal(0L, app.Count("members"));
    }

    [Fact]
    public async Task The_servers_own_configuration_can_allow_a_private_verifier()
    {
        await using var verifier = await CaptchaProviderStub.StartAsync();
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        using var admin = app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "turnstile", secret = "s", verifyUrl = $"{verifier.BaseUrl}/siteverify" }))
            .EnsureSuccessStatusCode();
        using var visitor = await app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync($"{Wix.Auth}/v2/register", new
        {
            loginId = new { email = "ann@example.com" },
            password = Wix.Password,
            captchaTokens = new[] { new { Turnstile = "good" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(verifier.Received);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("10.0.0.25")]
    [InlineData("169.254.169.254")]
    public async Task An_smtp_host_that_is_not_public_is_refused(string host)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var response = await admin.PutAsJsonAsync("/admin/v1/email-settings", new { host, port = 25, security = "None" });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        Assert.Contains("host", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_smtp_server_written_behind_the_admin_checks_back_is_never_connected_to()
    {
        using var siteMailbox = new SmtpMailbox();
        using var app = new LatchkeyApp(settings: _mail.Settings);
        await app.RequireEmailVerificationAsync();
        var siteId = app.Bootstrap.SiteId;
        app.Execute($"""
            INSERT INTO site_email_settings ("SiteId", "Host", "Port", "Security", "UserName", "SealedPassword", "From", "UpdatedAt")
            VALUES ('{siteId.ToUpperInvariant()}', '127.0.0.1', {siteMailbox.Port}, 'None', NULL, NULL, NULL, 0)
            """);
        using var visitor = await app.VisitorClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await visitor.RegisterAsync("ann@example.com")).StatusCode);

        // The background loop may hold the claim, so this call may find nothing due; either way nothing is sent.
        Assert.Equal(0, await app.Services.GetRequiredService<EmailDispatcher>().DispatchDueAsync(CancellationToken.None));
        var failed = 0L;
        for (var i = 0; i < 100 && failed == 0; i++)
        {
            failed = app.Scalar<long>("""SELECT COUNT(*) FROM email_outbox WHERE "SentAt" IS NULL AND "LastError" IS NOT NULL""");
            if (failed == 0)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(1L, failed);
        Assert.Equal(0, siteMailbox.CountTo("ann@example.com"));
        Assert.Equal(0, _mail.CountTo("ann@example.com"));
    }
}

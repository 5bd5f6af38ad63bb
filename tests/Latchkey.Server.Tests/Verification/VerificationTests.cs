using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Latchkey.Server.Email;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;

namespace Latchkey.Server.Tests.Verification;

/// <summary>
/// Email verification end to end over a real SMTP socket: Latchkey's dispatcher sends through MailKit to an SMTP
/// listener on loopback, and the test reads the code out of the received message.
/// </summary>
public sealed partial class VerificationTests : IDisposable
{
    private const string Verify = "/_api/iam/verification/v1/auth/verify";
    private const string Resend = "/_api/iam/verification/v1/auth/resend";
    private readonly SimpleSmtpServer _smtp;
    private readonly LatchkeyApp _app;
    private readonly HashSet<string> _seen = [];

    public VerificationTests()
    {
        _smtp = SimpleSmtpServer.Start(FreePort());
        _app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Email:Smtp:Host"] = "127.0.0.1",
            ["Latchkey:Email:Smtp:Port"] = _smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Latchkey:Email:Smtp:Security"] = "None",
            ["Latchkey:Email:From"] = "Latchkey <no-reply@example.com>",
        });
    }

    [Fact]
    public async Task Register_sends_a_code_by_SMTP_and_the_code_leads_to_SUCCESS()
    {
        using var client = await VerificationSiteClientAsync();

        var registered = await (await client.RegisterAsync("ann@example.com")).JsonAsync();
        var code = await CodeFromMailAsync("ann@example.com");
        var verified = await client.PostAsJsonAsync(Verify, new { code, stateToken = registered.GetProperty("stateToken").GetString() });

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var body = await verified.JsonAsync();
        Assert.Equal("SUCCESS", body.GetProperty("state").GetString());
        Assert.Equal(43, body.GetProperty("sessionToken").GetString()!.Length);
        Assert.True(body.GetProperty("identity").GetProperty("email").GetProperty("isVerified").GetBoolean());
        Assert.Equal("ACTIVE", body.GetProperty("identity").GetProperty("status").GetProperty("name").GetString());
        Assert.Equal("SUCCESS", (await (await client.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task With_owner_approval_too_the_code_leads_to_REQUIRE_OWNER_APPROVAL_with_a_new_state_token()
    {
        using var client = await VerificationSiteClientAsync(approval: true);
        var registered = await (await client.RegisterAsync("ann@example.com")).JsonAsync();
        var first = registered.GetProperty("stateToken").GetString();

        var body = await (await client.PostAsJsonAsync(Verify, new { code = await CodeFromMailAsync("ann@example.com"), stateToken = first })).JsonAsync();

        Assert.Equal("REQUIRE_OWNER_APPROVAL", body.GetProperty("state").GetString());
        Assert.NotEqual(first, body.GetProperty("stateToken").GetString());
        // The used state token cannot be replayed for the step it already took.
        await (await client.PostAsJsonAsync(Verify, new { code = "000000", stateToken = first })).AssertWixErrorAsync(400, "state_token_invalid");
    }

    [Fact]
    public async Task Five_wrong_codes_end_the_flow()
    {
        using var client = await VerificationSiteClientAsync();
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        var code = await CodeFromMailAsync("ann@example.com");
        var wrong = code == "000000" ? "000001" : "000000";

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("VERIFICATION_FAILED", (await (await client.PostAsJsonAsync(Verify, new { code = wrong, stateToken })).AssertWixErrorAsync(400, "verification_code_invalid")).WireCode());
        }

        await (await client.PostAsJsonAsync(Verify, new { code = wrong, stateToken })).AssertWixErrorAsync(400, "verification_attempts_exceeded");
        await (await client.PostAsJsonAsync(Verify, new { code, stateToken })).AssertWixErrorAsync(400, "state_token_invalid");
    }

    [Fact]
    public async Task Resend_waits_30_seconds_and_replaces_the_code()
    {
        using var client = await VerificationSiteClientAsync();
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        var first = await CodeFromMailAsync("ann@example.com");

        var early = await client.PostAsJsonAsync(Resend, new { stateToken });
        await early.AssertWixErrorAsync(429, "resend_too_soon");
        Assert.NotNull(early.Headers.RetryAfter);

        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Resend, new { stateToken })).StatusCode);
        var second = await CodeFromMailAsync("ann@example.com", count: 2);

        if (second != first)
        {
            await (await client.PostAsJsonAsync(Verify, new { code = first, stateToken })).AssertWixErrorAsync(400, "verification_code_invalid");
        }

        Assert.Equal("SUCCESS", (await (await client.PostAsJsonAsync(Verify, new { code = second, stateToken })).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_expired_flow_is_410()
    {
        using var client = await VerificationSiteClientAsync();
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        var code = await CodeFromMailAsync("ann@example.com");

        _app.Clock.Advance(TimeSpan.FromMinutes(16));

        await (await client.PostAsJsonAsync(Verify, new { code, stateToken })).AssertWixErrorAsync(410, "flow_expired");
    }

    [Fact]
    public async Task Login_of_an_unverified_member_sends_a_fresh_code()
    {
        using var client = await VerificationSiteClientAsync();
        await client.RegisterAsync("ann@example.com");
        await CodeFromMailAsync("ann@example.com");

        var login = await (await client.LoginAsync("ann@example.com")).JsonAsync();
        var code = await CodeFromMailAsync("ann@example.com", count: 2);

        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", login.GetProperty("state").GetString());
        var verified = await client.PostAsJsonAsync(Verify, new { code, stateToken = login.GetProperty("stateToken").GetString() });
        Assert.Equal("SUCCESS", (await verified.JsonAsync()).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("")]
    public async Task A_malformed_code_is_a_field_violation(string code)
    {
        using var client = await VerificationSiteClientAsync();
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();

        await (await client.PostAsJsonAsync(Verify, new { code, stateToken })).AssertWixErrorAsync(400, "validation_failed");
    }

    [Fact]
    public async Task The_code_is_never_stored_in_clear_and_the_sent_body_is_cleared()
    {
        using var client = await VerificationSiteClientAsync();
        await client.RegisterAsync("ann@example.com");
        var code = await CodeFromMailAsync("ann@example.com");
        await _app.Services.GetRequiredService<EmailDispatcher>().DispatchDueAsync(CancellationToken.None);

        Registration.RegistrationTests.AssertNowhereInDatabase(_app, $"code is {code}");
        // The background dispatcher may have claimed the message before the call above: the mail reaches the SMTP
        // listener before that dispatcher records it sent, so wait (bounded) for the record rather than race it.
        using var db = _app.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM email_outbox WHERE SentAt IS NOT NULL AND SealedText IS NULL";
        var cleared = 0L;
        for (var attempt = 0; cleared == 0 && attempt < 200; attempt++, await Task.Delay(50))
        {
            cleared = (long)command.ExecuteScalar()!;
        }

        Assert.Equal(1L, cleared);
    }

    private async Task<HttpClient> VerificationSiteClientAsync(bool approval = false)
    {
        var client = await _app.VisitorClientAsync();
        _app.Execute($"UPDATE sites SET RequireEmailVerification = 1, RequireOwnerApproval = {(approval ? 1 : 0)}");
        return client;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> messages to <paramref name="to"/> arrived and returns the code of the one
    /// not seen before (the SMTP listener does not keep arrival order).
    /// </summary>
    private async Task<string> CodeFromMailAsync(string to, int count = 1)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            var messages = _smtp.ReceivedEmail.Where(m => m.ToAddresses.Any(a => a.Address == to)).ToList();
            if (messages.Count >= count)
            {
                var fresh = messages.Select(m => m.MessageParts[0].BodyData).First(body => _seen.Add(body));
                return Code().Match(fresh).Groups[1].Value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No email number {count} to {to} arrived over SMTP.");
    }

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex Code();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _app.Dispose();
        _smtp.Stop();
    }
}

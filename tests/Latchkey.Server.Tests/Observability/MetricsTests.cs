using System.Net;
using System.Net.Http.Json;
using Latchkey.Core.SocialSignIn;
using Latchkey.Server.Observability;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Server.Tests.SocialSignIn;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// <c>/metrics</c> (docs/observability.md). Latchkey's instruments are process-wide and tests run in parallel, so a
/// test compares its own before and after and asks for at least its own increments.
/// </summary>
public class MetricsTests
{
    private static readonly IPAddress Outsider = IPAddress.Parse("203.0.113.7");

    [Fact]
    public async Task A_login_increments_the_login_counter_by_outcome()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("ann@example.com")).EnsureSuccessStatusCode();
        var before = await Scrape.TakeAsync(client);

        (await client.LoginAsync("ann@example.com")).EnsureSuccessStatusCode();
        await (await client.LoginAsync("ann@example.com", "not the password")).AssertWixErrorAsync(401, "invalid_credentials");

        var after = await Scrape.TakeAsync(client);
        Assert.True(after.Sum("latchkey_logins_total", ("outcome", "success")) >= before.Sum("latchkey_logins_total", ("outcome", "success")) + 1, after.Text);
        Assert.True(after.Sum("latchkey_logins_total", ("outcome", "invalid_credentials")) >= before.Sum("latchkey_logins_total", ("outcome", "invalid_credentials")) + 1);
        Assert.True(after.Sum("latchkey_throttle_decisions_total", ("action", "login"), ("decision", "allowed")) >=
                    before.Sum("latchkey_throttle_decisions_total", ("action", "login"), ("decision", "allowed")) + 2);
    }

    [Fact]
    public async Task Registrations_sign_ons_and_issued_tokens_are_counted()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var admin = app.ApiKeyClient();
        var before = await Scrape.TakeAsync(admin);

        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("bob@example.com")).EnsureSuccessStatusCode();
        await (await client.RegisterAsync("bob@example.com")).AssertWixErrorAsync(409, "email_already_exists");
        (await admin.SignOnAsync("carol@example.com")).EnsureSuccessStatusCode();

        var after = await Scrape.TakeAsync(admin);
        Assert.True(Delta(before, after, "latchkey_registrations_total", ("outcome", "success")) >= 1, after.Text);
        Assert.True(Delta(before, after, "latchkey_registrations_total", ("outcome", "email_already_exists")) >= 1);
        Assert.True(Delta(before, after, "latchkey_sign_ons_total", ("outcome", "success")) >= 1);
        Assert.True(Delta(before, after, "latchkey_tokens_issued_total", ("grant_type", "anonymous"), ("token_type", "access_token")) >= 1);
    }

    [Fact]
    public async Task A_second_factor_and_a_code_exchange_are_counted()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var scraper = app.CreateClient();
        var before = await Scrape.TakeAsync(scraper);

        var mfa = await MfaMember.EnrolledAsync(app);
        var login = await mfa.LoginAsync();
        (await mfa.VerifyTotpAsync(login.GetProperty("stateToken").GetString(), mfa.Code())).EnsureSuccessStatusCode();

        var after = await Scrape.TakeAsync(scraper);
        Assert.True(Delta(before, after, "latchkey_logins_total", ("outcome", "require_mfa")) >= 1, after.Text);
        Assert.True(Delta(before, after, "latchkey_mfa_verifications_total", ("outcome", "success")) >= 1);
        Assert.True(Delta(before, after, "latchkey_tokens_issued_total", ("grant_type", "authorization_code"), ("token_type", "access_token")) >= 1);
    }

    [Fact]
    public async Task Social_sign_ins_are_counted_by_provider_kind_and_outcome_and_their_throttle_by_action()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var admin = app.ApiKeyClient();
        var provider = await app.AddIdentityProviderAsync("gitHub");
        var before = await Scrape.TakeAsync(admin);

        await app.SocialSignInAsync(provider, new ExternalIdentity("1", "gh@example.com", EmailVerified: true));
        await app.SocialSignInAsync(provider, new ExternalIdentity("2", "other@example.com", EmailVerified: false));

        var after = await Scrape.TakeAsync(admin);
        Assert.True(Delta(before, after, "latchkey_social_sign_ins_total", ("provider", "github"), ("outcome", "success")) >= 1, after.Text);
        Assert.True(Delta(before, after, "latchkey_social_sign_ins_total", ("provider", "github"), ("outcome", "pending_link")) >= 1);
        Assert.True(Delta(before, after, "latchkey_throttle_decisions_total", ("action", "social_sign_in"), ("decision", "allowed")) >= 2);
    }

    [Fact]
    public async Task Refused_token_requests_are_counted_by_error_without_the_clients_words()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var client = app.CreateClient();
        var before = await Scrape.TakeAsync(client);

        var refused = await client.PostAsJsonAsync("/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "made_up_grant_x" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var after = await Scrape.TakeAsync(client);
        Assert.True(Delta(before, after, "latchkey_token_errors_total", ("grant_type", "other"), ("error", "unsupported_grant_type")) >= 1, after.Text);
        Assert.DoesNotContain("made_up_grant_x", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_sends_are_counted_by_outcome_and_transport()
    {
        using var mailbox = new SmtpMailbox();
        using var app = new LatchkeyApp(settings: mailbox.Settings) { PeerAddress = IPAddress.Loopback };
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("erin@example.com")).EnsureSuccessStatusCode();
        var before = await Scrape.TakeAsync(client);

        (await client.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "erin@example.com" })).EnsureSuccessStatusCode();
        await mailbox.NextBodyAsync("erin@example.com");

        await EventuallyAsync(client, after => Delta(before, after, "latchkey_emails_total", ("outcome", "sent"), ("transport", "smtp")) >= 1);
    }

    [Fact]
    public async Task A_failed_send_is_counted_as_retrying()
    {
        var mailbox = new SmtpMailbox();
        using var app = new LatchkeyApp(settings: mailbox.Settings) { PeerAddress = IPAddress.Loopback };
        mailbox.Dispose();
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("finn@example.com")).EnsureSuccessStatusCode();
        var before = await Scrape.TakeAsync(client);

        (await client.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "finn@example.com" })).EnsureSuccessStatusCode();

        await EventuallyAsync(client, after => Delta(before, after, "latchkey_emails_total", ("outcome", "retrying"), ("transport", "smtp")) >= 1);
    }

    [Fact]
    public async Task A_throttled_request_is_counted_as_such()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Throttling:PerIpPerMinute:Login"] = "1" }) { PeerAddress = IPAddress.Loopback };
        using var client = await app.VisitorClientAsync();
        var before = await Scrape.TakeAsync(client);

        await (await client.LoginAsync("nobody@example.com", "not the password")).AssertWixErrorAsync(401, "invalid_credentials");
        await (await client.LoginAsync("nobody@example.com", "not the password")).AssertWixErrorAsync(429, "rate_limited");

        var after = await Scrape.TakeAsync(client);
        Assert.True(Delta(before, after, "latchkey_throttle_decisions_total", ("action", "login"), ("decision", "ip_rate_limited")) >= 1, after.Text);
    }

    [Fact]
    public async Task Password_hashing_exports_its_queue_depth_wait_and_duration()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("dan@example.com")).EnsureSuccessStatusCode();

        var scrape = await Scrape.TakeAsync(client);
        Assert.True(scrape.Declares("latchkey_password_hashing_queued", "gauge"), scrape.Text);
        Assert.True(scrape.Declares("latchkey_password_hashing_active", "gauge"));
        Assert.True(scrape.Declares("latchkey_password_hashing_wait_seconds", "histogram"));
        Assert.True(scrape.Declares("latchkey_password_hashing_duration_seconds", "histogram"));
        Assert.True(scrape.Sum("latchkey_password_hashing_wait_seconds_count", ("outcome", "acquired")) >= 1);
        Assert.True(scrape.Sum("latchkey_password_hashing_duration_seconds_count") >= 1);
        // ASP.NET Core's and the runtime's own meters come along.
        Assert.Contains("http_server_request_duration_seconds", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anyone_outside_the_allowed_networks_gets_the_404_of_an_unknown_path()
    {
        using var app = new LatchkeyApp { PeerAddress = Outsider };
        using var client = app.CreateClient();

        var metrics = await client.GetAsync("/metrics");
        var unknown = await client.GetAsync("/no-such-path");

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await metrics.Content.ReadAsStringAsync());
        Assert.Equal(unknown.Content.Headers.ContentType, metrics.Content.Headers.ContentType);
    }

    [Fact]
    public async Task A_request_forwarded_by_a_proxy_on_loopback_is_refused()
    {
        using var app = new LatchkeyApp { PeerAddress = IPAddress.Loopback };
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "198.51.100.4");

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Configured_networks_replace_loopback()
    {
        var settings = new Dictionary<string, string?> { ["Latchkey:Metrics:AllowedNetworks:0"] = "203.0.113.0/24" };
        using (var outsider = new LatchkeyApp(settings: settings) { PeerAddress = Outsider })
        using (var client = outsider.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
        }

        using var local = new LatchkeyApp(settings: settings) { PeerAddress = IPAddress.Loopback };
        using var localClient = local.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await localClient.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Disabled_metrics_are_not_served_even_to_loopback()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Metrics:Enabled"] = "false" }) { PeerAddress = IPAddress.Loopback };
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public void A_malformed_network_is_refused_at_start()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Metrics:AllowedNetworks:0"] = "10.0.0.0/33" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Latchkey:Metrics:AllowedNetworks", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2001:db8::1", false)]
    public void Loopback_is_the_default_network(string address, bool allowed)
    {
        Assert.True(new MetricsOptions().TryGetNetworks(out var networks));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(allowed, Telemetry.IsAllowed(context.Request, networks));
    }

    [Theory]
    [InlineData("Forwarded")]
    [InlineData("X-Forwarded-For")]
    [InlineData("X-Original-For")]
    [InlineData("X-Real-IP")]
    public void A_loopback_request_that_came_through_a_proxy_is_not_allowed(string header)
    {
        Assert.True(new MetricsOptions().TryGetNetworks(out var networks));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[header] = "198.51.100.4";

        Assert.False(Telemetry.IsAllowed(context.Request, networks));
    }

    /// <summary>The outbox sends after the request: scrape until the condition holds, for up to 20 s.</summary>
    private static async Task EventuallyAsync(HttpClient client, Func<Scrape, bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Scrape scrape;
        do
        {
            scrape = await Scrape.TakeAsync(client);
            if (condition(scrape))
            {
                return;
            }

            await Task.Delay(100);
        }
        while (waited.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Fail("the metric did not move within 20 s:\n" + scrape.Text);
    }

    private static double Delta(Scrape before, Scrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}

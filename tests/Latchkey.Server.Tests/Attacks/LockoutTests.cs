using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.AbuseProtection;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: an attacker locks the owner out. Before issue #21, on default settings 30 wrong passwords made the owner's
/// right password answer 429 even with a solved ALTCHA, renewed every 15 minutes; the per-site cap could be spent to
/// block a whole site; and behind a load balancer every client shared the balancer's address. Now, on defaults,
/// failures lead to a challenge (risk-based CAPTCHA with the built-in ALTCHA) and a solved challenge always lets the
/// right password in; a completed recovery clears the account's failures and signs in on the hosted pages; forwarded
/// headers count only from listed proxies; and the per-site cap asks for challenges instead of refusing.
/// </summary>
public sealed partial class LockoutTests : IDisposable
{
    private const string Owner = "ann@example.com";
    private readonly SmtpMailbox _mail = new();

    public void Dispose() => _mail.Dispose();

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string password, string? altcha = null, string email = Owner) =>
        client.PostAsJsonAsync($"{Wix.Auth}/v2/login", new
        {
            loginId = new { email },
            password,
            captchaTokens = altcha is null ? null : new[] { new { Altcha = altcha } },
        });

    private static async Task<(Uri Server, string Visitor)> StartAsync(LatchkeyApp app)
    {
        var server = app.StartKestrel();
        using var first = ManyAddresses.ClientFrom(server, 1);
        var visitor = (await (await first.PostAsJsonAsync("/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" }))
            .JsonAsync()).GetProperty("access_token").GetString()!;
        first.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", visitor);
        Assert.Equal(HttpStatusCode.OK, (await first.RegisterAsync(Owner)).StatusCode);
        return (server, visitor);
    }

    /// <summary>Wrong passwords against the owner's account, one from each of <paramref name="count"/> addresses.</summary>
    private static async Task<List<(int Status, string? Code)>> GuessAsync(Uri server, string visitor, int count, int firstOctet = 10)
    {
        var answers = new List<(int, string?)>();
        for (var i = 0; i < count; i++)
        {
            using var client = ManyAddresses.ClientFrom(server, firstOctet + i, visitor);
            answers.Add(await (await LoginAsync(client, "wrong password " + i)).OutcomeAsync());
        }

        return answers;
    }

    [Fact]
    public async Task On_defaults_thirty_wrong_passwords_lead_to_a_challenge_and_the_owner_with_a_solved_altcha_gets_in()
    {
        using var app = new LatchkeyApp();
        var (server, visitor) = await StartAsync(app);

        var answers = await GuessAsync(server, visitor, 30);

        Assert.DoesNotContain(answers, a => a.Status == 429);
        Assert.Equal(3, answers.Count(a => a == (401, "invalid_credentials")));
        Assert.Equal(27, answers.Count(a => a == (400, "captcha_missing")));
        using var owner = ManyAddresses.ClientFrom(server, 200, visitor);
        await (await LoginAsync(owner, Wix.Password)).AssertWixErrorAsync(400, "captcha_missing");

        // An attacker who solves the challenge every time is judged, never locked out, and neither is the owner.
        for (var i = 0; i < 5; i++)
        {
            await (await LoginAsync(owner, "another wrong " + i, await AltchaSolver.SolveAsync(owner, app.Bootstrap.ClientId)))
                .AssertWixErrorAsync(401, "invalid_credentials");
        }

        var solved = await LoginAsync(owner, Wix.Password, await AltchaSolver.SolveAsync(owner, app.Bootstrap.ClientId));
        Assert.Equal("SUCCESS", (await solved.JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_completed_recovery_clears_the_accounts_failures_and_signs_in_on_the_hosted_page()
    {
        using var app = new LatchkeyApp(settings: _mail.Settings);
        var (server, visitor) = await StartAsync(app);
        await GuessAsync(server, visitor, 12);
        using (var api = ManyAddresses.ClientFrom(server, 200, visitor))
        {
            Assert.Equal(400, (await (await LoginAsync(api, Wix.Password)).OutcomeAsync()).Status);
        }

        // The owner's browser: forgot password on the hosted page, the emailed link, a new password.
        using var browser = ManyAddresses.ClientFrom(server, 201, followRedirects: false);
        var query = new Uri(server, app.HostedSignIn()).Query;
        var form = await browser.HostedFormAsync("/oauth2/authorize/forgot-password" + query);
        form["email"] = Owner;
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/oauth2/authorize/forgot-password", new FormUrlEncodedContent(form))).StatusCode);
        var link = new Uri(ResetLink().Match(await _mail.NextBodyAsync(Owner)).Value);
        var reset = await browser.HostedFormAsync(link.PathAndQuery);
        reset["password"] = reset["confirm"] = "a brand new passphrase";
        var done = await browser.PostAsync("/recovery/reset-password", new FormUrlEncodedContent(reset));

        // Signed in: the page set the session cookie, and authorize answers with a code straight away.
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains(done.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=", StringComparison.Ordinal));
        var authorize = await browser.GetAsync(app.Authorize(null).Url());
        Assert.NotEmpty(OAuthFlow.CodeFrom(authorize));

        // The account's failures are gone: the API login needs no challenge.
        using var later = ManyAddresses.ClientFrom(server, 202, visitor);
        Assert.Equal("SUCCESS", (await (await LoginAsync(later, "a brand new passphrase")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Behind_a_listed_proxy_limits_key_on_the_forwarded_client_and_a_forged_header_from_elsewhere_is_ignored()
    {
        var proxy = IPAddress.Parse("10.0.0.5");
        using (var app = new LatchkeyApp(settings: new() { ["Latchkey:Network:TrustedProxies:0"] = "10.0.0.5" }) { PeerAddress = proxy })
        {
            var attacker = await ThroughProxyAsync(app, "203.0.113.7");
            var answers = new List<(int, string?)>();
            for (var i = 0; i < 21; i++)
            {
                answers.Add(await (await attacker.RegisterAsync($"bot{i}@example.com")).OutcomeAsync());
            }

            Assert.Equal(20, answers.Count(a => a == (200, null)));
            Assert.Equal((429, "rate_limited"), answers[^1]);
            using var someoneElse = await ThroughProxyAsync(app, "198.51.100.2");
            Assert.Equal(HttpStatusCode.OK, (await someoneElse.RegisterAsync("someone@example.com")).StatusCode);
            attacker.Dispose();
        }

        // Not a listed proxy: X-Forwarded-For is the client's own claim, and a fresh one per request buys nothing.
        using var direct = new LatchkeyApp { PeerAddress = IPAddress.Parse("192.0.2.9") };
        using var forger = await direct.VisitorClientAsync();
        var forged = new List<(int, string?)>();
        for (var i = 0; i < 21; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Wix.Auth}/v2/register")
            {
                Content = JsonContent.Create(new { loginId = new { email = $"forged{i}@example.com" }, password = Wix.Password }),
            };
            request.Headers.Add("X-Forwarded-For", $"198.18.0.{i + 1}");
            forged.Add(await (await forger.SendAsync(request)).OutcomeAsync());
        }

        Assert.Equal((429, "rate_limited"), forged[^1]);
    }

    [Fact]
    public async Task Spending_the_per_site_allowance_asks_for_a_challenge_instead_of_refusing_the_owner()
    {
        var settings = Attack.FromManyAddresses();
        settings["Latchkey:Throttling:PerSitePerMinute:Login"] = "5";
        using var app = new LatchkeyApp(settings: settings);
        await app.RegisterMemberAsync(Owner);
        using var visitor = await app.VisitorClientAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(visitor, Wix.Password)).StatusCode);
        }

        await (await LoginAsync(visitor, Wix.Password)).AssertWixErrorAsync(400, "captcha_missing");
        var solved = await LoginAsync(visitor, Wix.Password, await AltchaSolver.SolveAsync(visitor, app.Bootstrap.ClientId));
        Assert.Equal("SUCCESS", (await solved.JsonAsync()).GetProperty("state").GetString());
    }

    private static async Task<HttpClient> ThroughProxyAsync(LatchkeyApp app, string client)
    {
        var http = await app.VisitorClientAsync();
        http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        return http;
    }

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=[A-Za-z0-9_%\-]+")]
    private static partial Regex ResetLink();
}

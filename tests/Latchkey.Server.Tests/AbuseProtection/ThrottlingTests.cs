using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>Credential stuffing against one account from 100 addresses, over real TCP: slowed, gated, never locked for good.</summary>
public sealed class ThrottlingTests : IDisposable
{
    private const string Victim = "ann@example.com";
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string password, string? altcha = null) =>
        client.PostAsJsonAsync($"{Wix.Auth}/v2/login", new
        {
            loginId = new { email = Victim },
            password,
            captchaTokens = altcha is null ? null : new[] { new { Altcha = altcha } },
        });

    private async Task<(Uri Server, string Visitor)> StartAsync()
    {
        var server = _app.StartKestrel();
        using var first = ManyAddresses.ClientFrom(server, 1);
        var visitor = (await (await first.PostAsJsonAsync("/oauth2/token", new { clientId = _app.Bootstrap.ClientId, grantType = "anonymous" }))
            .JsonAsync()).GetProperty("access_token").GetString()!;
        first.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", visitor);
        Assert.Equal(HttpStatusCode.OK, (await first.RegisterAsync(Victim)).StatusCode);
        return (server, visitor);
    }

    private static async Task<Dictionary<HttpStatusCode, int>> AttackAsync(Uri server, string visitor, int attempts, int addresses)
    {
        var clients = Enumerable.Range(0, addresses).Select(i => ManyAddresses.ClientFrom(server, 10 + i, visitor)).ToList();
        var statuses = new Dictionary<HttpStatusCode, int>();
        try
        {
            for (var i = 0; i < attempts; i++)
            {
                using var response = await LoginAsync(clients[i % addresses], "wrong password " + i);
                statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.NotNull(response.Headers.RetryAfter?.Delta);
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        return statuses;
    }

    [Fact]
    public async Task With_captcha_off_a_thousand_wrong_passwords_from_a_hundred_addresses_are_throttled_after_ten_and_the_owner_gets_in_after_the_window()
    {
        var (server, visitor) = await StartAsync();
        // A site that turned its CAPTCHA off: nothing can be asked of the owner, so the attacked account is slowed
        // down for its window. The default (risk-mode ALTCHA) asks for a challenge instead: Attacks/LockoutTests.
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "off" })).EnsureSuccessStatusCode();
        }

        var statuses = await AttackAsync(server, visitor, attempts: 1_000, addresses: 100);

        Assert.Equal(10, statuses[HttpStatusCode.Unauthorized]);
        Assert.Equal(990, statuses[HttpStatusCode.TooManyRequests]);
        Assert.Equal(1_000, statuses.Values.Sum()); // nothing else: no 5xx, no timeouts
        using var owner = ManyAddresses.ClientFrom(server, 200, visitor);
        await (await LoginAsync(owner, Wix.Password)).AssertWixErrorAsync(429, "rate_limited");

        _app.Clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal("SUCCESS", (await (await LoginAsync(owner, Wix.Password)).JsonAsync()).GetProperty("state").GetString());
        // The owner's success reset the account: the next mistake is an ordinary 401, not a throttle.
        await (await LoginAsync(owner, "a typo")).AssertWixErrorAsync(401, "invalid_credentials");
    }

    [Fact]
    public async Task In_risk_mode_the_attack_is_captcha_gated_after_three_failures_and_the_owner_with_a_solved_altcha_gets_in_at_once()
    {
        var (server, visitor) = await StartAsync();
        using (var admin = _app.ApiKeyClient())
        {
            var configured = await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "risk", provider = "altcha", altchaMaxNumber = 5_000 });
            Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        }

        var statuses = await AttackAsync(server, visitor, attempts: 1_000, addresses: 100);

        Assert.Equal(3, statuses[HttpStatusCode.Unauthorized]);
        Assert.Equal(997, statuses[HttpStatusCode.BadRequest]); // -19971: a CAPTCHA is now required
        using var owner = ManyAddresses.ClientFrom(server, 200, visitor);
        await (await LoginAsync(owner, Wix.Password)).AssertWixErrorAsync(400, "captcha_missing");
        var solution = await AltchaSolver.SolveAsync(owner, _app.Bootstrap.ClientId);

        Assert.Equal("SUCCESS", (await (await LoginAsync(owner, Wix.Password, solution)).JsonAsync()).GetProperty("state").GetString());
        // The owner's success reset the account's risk: no CAPTCHA is asked of the next login from a clean address.
        using var later = ManyAddresses.ClientFrom(server, 201, visitor);
        Assert.Equal("SUCCESS", (await (await LoginAsync(later, Wix.Password)).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task One_address_is_limited_per_minute_and_another_address_is_not()
    {
        var (server, visitor) = await StartAsync();
        using var noisy = ManyAddresses.ClientFrom(server, 50, visitor);
        using var quiet = ManyAddresses.ClientFrom(server, 51, visitor);

        // Registration allows 20 per address per minute (the first address registered the victim already).
        for (var i = 0; i < 20; i++)
        {
            await (await noisy.RegisterAsync("not an email " + i)).AssertWixErrorAsync(400, "validation_failed");
        }

        var limited = await noisy.RegisterAsync("bob@example.com");

        await limited.AssertWixErrorAsync(429, "rate_limited");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await quiet.RegisterAsync("bob@example.com")).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>Each third-party provider against a real local verifier: valid, invalid, missing, provider down.</summary>
public sealed class CaptchaTests : IAsyncLifetime
{
    private const string Secret = "the-provider-secret";
    // The stub verifier listens on loopback, which an admin-set verify URL may reach only when the server allows it (issue #21).
    private readonly LatchkeyApp _app = new(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
    private CaptchaProviderStub _stub = null!;

    public async ValueTask InitializeAsync() => _stub = await CaptchaProviderStub.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _stub.DisposeAsync();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, string, string> Providers => new()
    {
        { "recaptcha", "/siteverify", "Recaptcha" },
        { "recaptcha", "/siteverify", "InvisibleRecaptcha" },
        { "recaptchaEnterprise", "/assessments?key=api-key", "Recaptcha" },
        { "hCaptcha", "/siteverify", "HCaptcha" },
        { "turnstile", "/siteverify", "Turnstile" },
    };

    private async Task ConfigureAsync(string provider, string path, string mode = "always")
    {
        using var admin = _app.ApiKeyClient();
        var response = await admin.PatchAsJsonAsync("/admin/v1/captcha-policy",
            new { mode, provider, verifyUrl = _stub.BaseUrl + path, secret = Secret, siteKey = "site-key" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string key, string? token, string password = Wix.Password) =>
        client.PostAsJsonAsync($"{Wix.Auth}/v2/login", new
        {
            loginId = new { email = "ann@example.com" },
            password,
            captchaTokens = token is null ? null : new[] { new Dictionary<string, string> { [key] = token } },
        });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_valid_token_passes_and_the_provider_got_the_secret(string provider, string path, string key)
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await ConfigureAsync(provider, path);

        var response = await LoginAsync(client, key, "good");

        Assert.Equal("SUCCESS", (await response.JsonAsync()).GetProperty("state").GetString());
        Assert.True(_stub.Received.TryDequeue(out var received));
        if (provider == "recaptchaEnterprise")
        {
            Assert.Equal("good", received["token"]);
        }
        else
        {
            Assert.Equal(Secret, received["secret"]);
            Assert.Equal("good", received["response"]);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_invalid_or_low_score_token_is_400_minus_19970(string provider, string path, string key)
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await ConfigureAsync(provider, path);

        var invalid = await (await LoginAsync(client, key, "forged")).AssertWixErrorAsync(400, "captcha_invalid");
        Assert.Equal("-19970", invalid.WireCode());
        await (await LoginAsync(client, key, "low-score")).AssertWixErrorAsync(400, "captcha_invalid");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_missing_token_or_one_for_another_provider_is_400_minus_19971(string provider, string path, string key)
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await ConfigureAsync(provider, path);

        Assert.Equal("-19971", (await (await LoginAsync(client, key, null)).AssertWixErrorAsync(400, "captcha_missing")).WireCode());
        await (await LoginAsync(client, "Altcha", "good")).AssertWixErrorAsync(400, "captcha_missing");
        Assert.Empty(_stub.Received); // nothing was asked of the provider
    }

    [Theory]
    [InlineData("/down")]
    [InlineData("/slow")]
    public async Task A_provider_that_is_down_or_too_slow_fails_closed_with_503(string path)
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await ConfigureAsync("turnstile", path);

        var response = await LoginAsync(client, "Turnstile", "good");

        var body = await response.AssertWixErrorAsync(503, "captcha_unavailable");
        Assert.Equal("-19970", body.WireCode());
        Assert.True(response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Register_asks_for_the_captcha_and_sign_on_does_not_by_default()
    {
        await ConfigureAsync("hCaptcha", "/siteverify");
        using var client = await _app.VisitorClientAsync();

        await (await client.RegisterAsync("ann@example.com")).AssertWixErrorAsync(400, "captcha_missing");
        using var trusted = _app.ApiKeyClient();
        Assert.Equal(HttpStatusCode.OK, (await trusted.SignOnAsync("bob@example.com")).StatusCode);
    }

    [Fact]
    public async Task The_policy_never_returns_the_secret_and_refuses_a_provider_without_one()
    {
        await ConfigureAsync("turnstile", "/siteverify");
        using var admin = _app.ApiKeyClient();

        var policy = await (await admin.GetAsync("/admin/v1/captcha-policy")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, policy, StringComparison.Ordinal);
        Assert.Contains("\"hasSecret\":true", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, File.ReadAllText(Path.Combine(_app.DataDirectory, "latchkey.db")), StringComparison.Ordinal);

        var refused = await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { provider = "hCaptcha", secret = "" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}

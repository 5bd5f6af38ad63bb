using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>The built-in proof of work, solved for real: single use, signed, expiring.</summary>
public sealed class AltchaTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> AlwaysAltchaAsync()
    {
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "altcha", altchaMaxNumber = 5_000 })).EnsureSuccessStatusCode();
        return await _app.VisitorClientAsync();
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string? altcha) =>
        client.PostAsJsonAsync($"{Wix.Auth}/v2/register", new
        {
            loginId = new { email },
            password = Wix.Password,
            captchaTokens = altcha is null ? null : new[] { new { Altcha = altcha } },
        });

    [Fact]
    public async Task A_solved_challenge_registers_once_and_its_replay_is_refused()
    {
        using var client = await AlwaysAltchaAsync();
        var solution = await AltchaSolver.SolveAsync(client, _app.Bootstrap.ClientId);

        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(client, "ann@example.com", solution)).StatusCode);
        Assert.Equal("-19970", (await (await RegisterAsync(client, "bob@example.com", solution)).AssertWixErrorAsync(400, "captcha_invalid")).WireCode());
        Assert.Equal(1, _app.Count("members"));
    }

    [Fact]
    public async Task A_tampered_number_signature_or_salt_is_refused()
    {
        using var client = await AlwaysAltchaAsync();
        var solution = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Convert.FromBase64String(await AltchaSolver.SolveAsync(client, _app.Bootstrap.ClientId)))!;

        foreach (var (field, value) in new (string, object)[] { ("number", solution["number"].GetInt32() + 1), ("signature", new string('0', 64)), ("salt", "00?expires=99999999999") })
        {
            var tampered = solution.ToDictionary(p => p.Key, p => (object)p.Value);
            tampered[field] = value;
            var payload = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(tampered));
            await (await RegisterAsync(client, "ann@example.com", payload)).AssertWixErrorAsync(400, "captcha_invalid");
        }

        await (await RegisterAsync(client, "ann@example.com", Convert.ToBase64String(Encoding.UTF8.GetBytes("not json")))).AssertWixErrorAsync(400, "captcha_invalid");
        await (await RegisterAsync(client, "ann@example.com", "%%%not base64")).AssertWixErrorAsync(400, "captcha_invalid");
    }

    [Fact]
    public async Task An_expired_challenge_is_refused()
    {
        using var client = await AlwaysAltchaAsync();
        var solution = await AltchaSolver.SolveAsync(client, _app.Bootstrap.ClientId);

        _app.Clock.Advance(TimeSpan.FromMinutes(11));

        await (await RegisterAsync(client, "ann@example.com", solution)).AssertWixErrorAsync(400, "captcha_invalid");
    }

    [Fact]
    public async Task The_challenge_needs_a_known_client_id()
    {
        using var client = _app.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/_api/latchkey/captcha/v1/altcha-challenge?clientId=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/_api/latchkey/captcha/v1/altcha-challenge")).StatusCode);
    }
}

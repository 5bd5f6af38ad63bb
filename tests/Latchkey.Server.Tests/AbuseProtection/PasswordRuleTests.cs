using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>Per-site password rules: a real breached-password range directory on disk and the zxcvbn minimum.</summary>
public sealed class PasswordRuleTests : IDisposable
{
    private const string Breached = "purple monkey dishwasher";
    private readonly string _ranges = Directory.CreateTempSubdirectory("latchkey-hibp-").FullName;
    private readonly LatchkeyApp _app;

    public PasswordRuleTests()
    {
        // The layout haveibeenpwned-downloader writes: one file per 5-hex prefix, lines "SUFFIX:COUNT".
#pragma warning disable CA5350 // the published lists are keyed by SHA-1
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(Breached)));
#pragma warning restore CA5350
        File.WriteAllLines(Path.Combine(_ranges, hash[..5] + ".txt"), ["0000000000000000000000000000000000A:3", hash[5..] + ":42"]);
        _app = new LatchkeyApp(settings: new() { ["Latchkey:Passwords:BreachedDirectory"] = _ranges });
    }

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_ranges, recursive: true);
    }

    private static async Task<string> ViolatedRuleAsync(HttpResponseMessage response)
    {
        var body = await response.AssertWixErrorAsync(400, "validation_failed");
        return body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0].GetProperty("violatedRule").GetString()!;
    }

    [Fact]
    public async Task A_breached_password_is_refused_with_its_rule_until_the_site_turns_the_check_off()
    {
        using var client = await _app.VisitorClientAsync();

        Assert.Equal("BREACHED_PASSWORD", await ViolatedRuleAsync(await client.RegisterAsync("ann@example.com", Breached)));

        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/password-policy", new { checkBreached = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await client.RegisterAsync("ann@example.com", Breached)).StatusCode);
    }

    [Fact]
    public async Task A_strength_minimum_refuses_guessable_passwords_and_ones_made_of_the_members_own_name()
    {
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/password-policy", new { minStrength = 3 })).EnsureSuccessStatusCode();
        using var client = await _app.VisitorClientAsync();

        Assert.Equal("WEAK_PASSWORD", await ViolatedRuleAsync(await client.RegisterAsync("ann@example.com", "aaaaaaaa1")));
        Assert.Equal("WEAK_PASSWORD", await ViolatedRuleAsync(
            await client.RegisterAsync("annabelle.fitzgerald@example.com", "annabellefitzgerald", new { firstName = "Annabelle", lastName = "Fitzgerald" })));
        Assert.Equal(HttpStatusCode.OK, (await client.RegisterAsync("ann@example.com", "copper kettle under a violet moon")).StatusCode);
    }

    [Theory]
    [InlineData("{\"minLength\": 6}", "minLength")]
    [InlineData("{\"maxLength\": 32}", "maxLength")]
    [InlineData("{\"minStrength\": 5}", "minStrength")]
    public async Task Policies_below_ASVS_or_out_of_range_are_refused(string body, string field)
    {
        using var admin = _app.ApiKeyClient();

        var response = await admin.PatchAsync("/admin/v1/password-policy", HttpAssertions.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

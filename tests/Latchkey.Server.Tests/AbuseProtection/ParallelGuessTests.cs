using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>Five tries per flow hold under parallel guessing: each attempt is counted before the code is checked.</summary>
public sealed partial class ParallelGuessTests : IDisposable
{
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public ParallelGuessTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task Twenty_parallel_wrong_email_codes_spend_the_five_attempts_and_then_even_the_right_code_fails()
    {
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        }

        using var client = await _app.VisitorClientAsync();
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        var code = Code().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        var wrong = code == "000000" ? "111111" : "000000";

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code = wrong, stateToken })));
        var codes = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("code").GetString()));

        // Five attempts are taken (a parallel miss may still call itself invalid), the rest find the flow spent or ended.
        Assert.InRange(codes.Count(c => c == "verification_code_invalid"), 1, 5);
        Assert.All(codes.Where(c => c != "verification_code_invalid"), c => Assert.True(c is "verification_attempts_exceeded" or "state_token_invalid", c));
        var right = await client.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, right.StatusCode);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex Code();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;
using OtpNet;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>
/// A member with MFA, set up the way a person would: register, get member tokens, start an enrolment, read the
/// secret into an authenticator app and confirm with its code. The "app" is Otp.NET, an implementation independent of
/// Latchkey's, so the tests do not check Latchkey's TOTP against itself.
/// </summary>
public sealed class MfaMember
{
    public const string Verify = "/_api/iam/authentication/v2/verify";

    public required LatchkeyApp App { get; init; }
    public required NewMember Member { get; init; }
    public required string AccessToken { get; set; }
    public byte[] Secret { get; set; } = [];
    public string[] RecoveryCodes { get; set; } = [];

    /// <summary>What the authenticator app shows now (or <paramref name="stepsFromNow"/> steps away).</summary>
    public string Code(int stepsFromNow = 0) =>
        new OtpNet.Totp(Secret, step: 30, mode: OtpHashMode.Sha1, totpSize: 6)
            .ComputeTotp(App.Clock.GetUtcNow().UtcDateTime.AddSeconds(30 * stepsFromNow));

    /// <summary>Moves the clock to the next 30-second step, so a fresh code exists.</summary>
    public void NextStep() => App.Clock.Advance(TimeSpan.FromSeconds(30));

    public HttpClient MemberClient(string? accessToken = null)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", accessToken ?? AccessToken);
        return client;
    }

    public static async Task<MfaMember> RegisterAsync(LatchkeyApp app, string email = "ann@example.com")
    {
        var member = await app.RegisterMemberAsync(email);
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        return new MfaMember { App = app, Member = member, AccessToken = tokens.AccessToken };
    }

    public static async Task<MfaMember> EnrolledAsync(LatchkeyApp app, string email = "ann@example.com")
    {
        var mfa = await RegisterAsync(app, email);
        await mfa.EnrolAsync();
        return mfa;
    }

    public async Task<JsonElement> StartAsync()
    {
        using var client = MemberClient();
        var response = await client.PostAsync("/mfa/v1/totp/start", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Secret = Base32Encoding.ToBytes(body.GetProperty("secret").GetString());
        return body;
    }

    public async Task EnrolAsync()
    {
        await StartAsync();
        using var client = MemberClient();
        var confirmed = await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = Code() });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        RecoveryCodes = [.. (await confirmed.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!)];
        // The confirming code's step is used up; the next login needs the next code.
        NextStep();
    }

    /// <summary>Login V2 with the password: for a member with MFA, REQUIRE_MFA and a state token.</summary>
    public async Task<JsonElement> LoginAsync(string password = Wix.Password)
    {
        using var visitor = await App.VisitorClientAsync();
        return await (await visitor.LoginAsync(Member.Email, password)).JsonAsync();
    }

    public async Task<HttpResponseMessage> VerifyTotpAsync(string? stateToken, string code)
    {
        using var visitor = await App.VisitorClientAsync();
        return await visitor.PostAsJsonAsync(Verify, new { stateToken, factorType = "TOTP", totpData = new { code } });
    }

    public async Task<HttpResponseMessage> VerifyRecoveryCodeAsync(string? stateToken, string code)
    {
        using var visitor = await App.VisitorClientAsync();
        return await visitor.PostAsJsonAsync(Verify, new { stateToken, factorType = "RECOVERY_CODE", recoveryCodeData = new { code } });
    }
}

public static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 problem with the stable code (Latchkey's own endpoints).</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.EndsWith($"{code}.md", body.GetProperty("type").GetString(), StringComparison.Ordinal);
        return body;
    }
}

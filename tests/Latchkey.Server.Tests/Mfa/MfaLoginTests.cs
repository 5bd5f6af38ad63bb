using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>Login with a second factor: REQUIRE_MFA after the password, then <c>/v2/verify</c> to SUCCESS.</summary>
public sealed class MfaLoginTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    [Fact]
    public async Task After_enrolment_the_password_leads_to_REQUIRE_MFA_and_a_TOTP_code_to_SUCCESS()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);

        var login = await mfa.LoginAsync();

        Assert.Equal("REQUIRE_MFA", login.GetProperty("state").GetString());
        Assert.False(login.TryGetProperty("sessionToken", out _));
        var factors = login.GetProperty("requireMfaData").GetProperty("availableFactors").EnumerateArray()
            .Select(f => (f.GetProperty("factorType").GetString(), f.GetProperty("factorStatus").GetString())).ToList();
        Assert.Equal([("TOTP", "ENABLED"), ("RECOVERY_CODE", "ENABLED")], factors);
        Assert.Equal("USER_SETTINGS", login.GetProperty("requireMfaData").GetProperty("reason").GetString());
        Assert.Contains(login.GetProperty("identity").GetProperty("factors").EnumerateArray(), f => f.GetProperty("type").GetString() == "TOTP");

        var verified = await mfa.VerifyTotpAsync(login.GetProperty("stateToken").GetString(), mfa.Code());

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var body = await verified.JsonAsync();
        Assert.Equal("SUCCESS", body.GetProperty("state").GetString());
        Assert.Equal(mfa.Member.Id, body.GetProperty("identity").GetProperty("id").GetString());
        // The session token is a real one: it becomes member tokens like a login's.
        var tokens = await _app.MemberTokensAsync(body.GetProperty("sessionToken").GetString()!);
        Assert.Equal(mfa.Member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_TOTP_code_works_once_and_the_next_steps_code_works()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var code = mfa.Code();
        var first = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync(first, code)).JsonAsync()).GetProperty("state").GetString());

        var second = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        var replay = await mfa.VerifyTotpAsync(second, code);

        Assert.Equal("VERIFICATION_FAILED", (await replay.AssertWixErrorAsync(400, "totp_code_reused")).WireCode());
        mfa.NextStep();
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync(second, mfa.Code())).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Of_concurrent_logins_with_the_same_TOTP_code_exactly_one_succeeds()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var code = mfa.Code();
        var stateTokens = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            stateTokens.Add((await mfa.LoginAsync()).GetProperty("stateToken").GetString());
        }

        var responses = await Task.WhenAll(stateTokens.Select(t => mfa.VerifyTotpAsync(t, code)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await refused.AssertWixErrorAsync(400, "totp_code_reused");
        }
    }

    [Fact]
    public async Task The_confirming_code_cannot_be_replayed_at_login()
    {
        var mfa = await MfaMember.RegisterAsync(_app);
        await mfa.StartAsync();
        var code = mfa.Code();
        using (var client = mfa.MemberClient())
        {
            (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code })).EnsureSuccessStatusCode();
        }

        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();

        await (await mfa.VerifyTotpAsync(stateToken, code)).AssertWixErrorAsync(400, "totp_code_reused");
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public async Task Codes_one_step_early_or_late_are_accepted_two_are_not(int steps, bool accepted)
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        mfa.NextStep();
        mfa.NextStep();
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();

        var response = await mfa.VerifyTotpAsync(stateToken, mfa.Code(steps));

        if (accepted)
        {
            Assert.Equal("SUCCESS", (await response.JsonAsync()).GetProperty("state").GetString());
        }
        else
        {
            await response.AssertWixErrorAsync(400, "mfa_code_invalid");
        }
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        Assert.Equal(10, mfa.RecoveryCodes.Length);
        Assert.Equal(10, mfa.RecoveryCodes.Distinct().Count());
        var code = mfa.RecoveryCodes[3];

        var first = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        var used = await mfa.VerifyRecoveryCodeAsync(first, code.ToUpperInvariant());
        Assert.Equal("SUCCESS", (await used.JsonAsync()).GetProperty("state").GetString());

        var again = await mfa.LoginAsync();
        await (await mfa.VerifyRecoveryCodeAsync(again.GetProperty("stateToken").GetString(), code)).AssertWixErrorAsync(400, "mfa_code_invalid");
        Assert.Equal("SUCCESS", (await (await mfa.VerifyRecoveryCodeAsync(again.GetProperty("stateToken").GetString(), mfa.RecoveryCodes[4])).JsonAsync()).GetProperty("state").GetString());
        using var client = mfa.MemberClient();
        Assert.Equal(8, (await (await client.GetAsync("/mfa/v1")).JsonAsync()).GetProperty("recoveryCodesRemaining").GetInt32());
    }

    [Fact]
    public async Task Five_wrong_codes_end_the_flow_and_the_right_one_then_fails()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        var right = mfa.Code();
        var wrong = right == "000000" ? "000001" : "000000";

        for (var i = 0; i < 3; i++)
        {
            await (await mfa.VerifyTotpAsync(stateToken, wrong)).AssertWixErrorAsync(400, "mfa_code_invalid");
        }

        // Wrong recovery codes count toward the same limit.
        await (await mfa.VerifyRecoveryCodeAsync(stateToken, "aaaaa-aaaaa")).AssertWixErrorAsync(400, "mfa_code_invalid");
        await (await mfa.VerifyTotpAsync(stateToken, wrong)).AssertWixErrorAsync(400, "verification_attempts_exceeded");
        await (await mfa.VerifyTotpAsync(stateToken, right)).AssertWixErrorAsync(400, "state_token_invalid");
        // A new login starts a new flow with fresh attempts.
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync((await mfa.LoginAsync()).GetProperty("stateToken").GetString(), right)).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_expired_MFA_flow_is_410()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();

        _app.Clock.Advance(TimeSpan.FromMinutes(16));

        await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).AssertWixErrorAsync(410, "flow_expired");
    }

    [Fact]
    public async Task State_tokens_do_not_cross_between_MFA_and_email_verification()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var mfaToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        _app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        using var visitor = await _app.VisitorClientAsync();
        var emailToken = (await (await visitor.RegisterAsync("bob@example.com")).JsonAsync()).GetProperty("stateToken").GetString();

        await (await mfa.VerifyTotpAsync(emailToken, mfa.Code())).AssertWixErrorAsync(400, "state_token_invalid");
        await (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code = mfa.Code(), stateToken = mfaToken }))
            .AssertWixErrorAsync(400, "state_token_invalid");
        await (await mfa.VerifyTotpAsync("not-a-token", mfa.Code())).AssertWixErrorAsync(400, "state_token_invalid");
    }

    [Theory]
    [InlineData("SMS", "123456")]
    [InlineData("TOTP", "12345")]
    [InlineData("TOTP", "abcdef")]
    [InlineData(null, "123456")]
    public async Task Malformed_verify_requests_are_field_violations_with_an_application_error(string? factorType, string code)
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        using var visitor = await _app.VisitorClientAsync();

        var response = await visitor.PostAsJsonAsync(MfaMember.Verify, new { stateToken, factorType, totpData = new { code } });

        Assert.Equal("INVALID_ARGUMENT", (await response.AssertWixErrorAsync(400, "validation_failed")).WireCode());
    }

    [Fact]
    public async Task Without_MFA_login_is_SUCCESS_at_once()
    {
        var mfa = await MfaMember.RegisterAsync(_app);

        Assert.Equal("SUCCESS", (await mfa.LoginAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Sign_on_by_a_trusted_backend_skips_MFA()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var admin = _app.ApiKeyClient(await _app.VisitorTokenAsync());

        var response = await admin.SignOnAsync(mfa.Member.Email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(43, (await response.JsonAsync()).GetProperty("sessionToken").GetString()!.Length);
    }

    [Fact]
    public async Task Wrong_password_is_still_401_for_a_member_with_MFA()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var visitor = await _app.VisitorClientAsync();

        await (await visitor.LoginAsync(mfa.Member.Email, "not the password at all")).AssertWixErrorAsync(401, "invalid_credentials");
    }

    public void Dispose() => _app.Dispose();
}

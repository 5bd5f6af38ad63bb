using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Registration;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>The member's own MFA endpoints (<c>/mfa/v1/*</c>): member access token, RFC 9457 problems.</summary>
public sealed partial class MfaEnrolmentTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    [Fact]
    public async Task Start_returns_a_base32_secret_and_an_otpauth_URI_for_the_member()
    {
        var mfa = await MfaMember.RegisterAsync(_app);

        var body = await mfa.StartAsync();

        var secret = body.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal(20, mfa.Secret.Length);
        var uri = new Uri(body.GetProperty("otpauthUri").GetString()!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Equal("/Default site:ann@example.com", Uri.UnescapeDataString(uri.AbsolutePath));
        Assert.Contains($"secret={secret}", uri.Query, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA1&digits=6&period=30", uri.Query, StringComparison.Ordinal);
        // Not active until confirmed: login is still SUCCESS.
        Assert.Equal("SUCCESS", (await mfa.LoginAsync()).GetProperty("state").GetString());
        using var client = mfa.MemberClient();
        var status = await (await client.GetAsync("/mfa/v1")).JsonAsync();
        Assert.False(status.GetProperty("enabled").GetBoolean());
        Assert.True(status.GetProperty("enrolmentPending").GetBoolean());
    }

    [Fact]
    public async Task Confirm_with_a_wrong_code_is_refused_and_a_right_one_activates_and_returns_ten_codes()
    {
        var mfa = await MfaMember.RegisterAsync(_app);
        await mfa.StartAsync();
        using var client = mfa.MemberClient();
        var right = mfa.Code();

        await (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = right == "000000" ? "000001" : "000000" })).AssertProblemAsync(400, "mfa_code_invalid");
        var confirmed = await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = right });

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = (await confirmed.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", c));
        var status = await (await client.GetAsync("/mfa/v1")).JsonAsync();
        Assert.True(status.GetProperty("enabled").GetBoolean());
        Assert.Equal(10, status.GetProperty("recoveryCodesRemaining").GetInt32());
        // Shown once: a second confirm does not hand them out again.
        await (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = right })).AssertProblemAsync(409, "mfa_already_enabled");
        await (await client.PostAsync("/mfa/v1/totp/start", null)).AssertProblemAsync(409, "mfa_already_enabled");
    }

    [Fact]
    public async Task Confirm_without_a_started_or_with_an_expired_enrolment_is_409()
    {
        var mfa = await MfaMember.RegisterAsync(_app);
        using var client = mfa.MemberClient();
        await (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = "123456" })).AssertProblemAsync(409, "mfa_enrolment_not_started");

        await mfa.StartAsync();
        _app.Clock.Advance(TimeSpan.FromMinutes(16));

        await (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = mfa.Code() })).AssertProblemAsync(409, "mfa_enrolment_not_started");
    }

    [Fact]
    public async Task The_endpoints_need_a_member_access_token()
    {
        using var visitor = await _app.VisitorClientAsync();
        using var anonymous = _app.CreateClient();
        using var apiKey = _app.ApiKeyClient();

        await (await visitor.PostAsync("/mfa/v1/totp/start", null)).AssertProblemAsync(401, "member_token_required");
        await (await apiKey.PostAsJsonAsync("/mfa/v1/disable", new { code = "123456" })).AssertProblemAsync(401, "member_token_required");
        await (await anonymous.GetAsync("/mfa/v1")).AssertProblemAsync(401, "unauthenticated");
    }

    [Fact]
    public async Task Disable_needs_a_current_code_and_then_login_is_SUCCESS_again()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var client = mfa.MemberClient();
        var right = mfa.Code();

        await (await client.PostAsJsonAsync("/mfa/v1/disable", new { })).AssertProblemAsync(400, "validation_failed");
        await (await client.PostAsJsonAsync("/mfa/v1/disable", new { code = right == "000000" ? "000001" : "000000" })).AssertProblemAsync(400, "mfa_code_invalid");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/mfa/v1/disable", new { code = right })).StatusCode);

        Assert.Equal("SUCCESS", (await mfa.LoginAsync()).GetProperty("state").GetString());
        Assert.Equal(0, _app.Count("mfa_recovery_codes"));
        Assert.Equal(0, _app.Count("mfa_enrolments"));
        await (await client.PostAsJsonAsync("/mfa/v1/disable", new { code = right })).AssertProblemAsync(409, "mfa_not_enabled");
    }

    [Fact]
    public async Task A_member_who_lost_the_authenticator_disables_MFA_with_a_recovery_code()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        var session = (await (await mfa.VerifyRecoveryCodeAsync(stateToken, mfa.RecoveryCodes[0])).JsonAsync()).GetProperty("sessionToken").GetString()!;
        using var client = mfa.MemberClient((await _app.MemberTokensAsync(session)).AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/mfa/v1/disable", new { recoveryCode = mfa.RecoveryCodes[1] })).StatusCode);

        Assert.Equal("SUCCESS", (await mfa.LoginAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Regenerating_recovery_codes_replaces_the_old_ones()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var client = mfa.MemberClient();

        var response = await client.PostAsJsonAsync("/mfa/v1/recovery-codes", new { code = mfa.Code() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fresh = (await response.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, fresh.Count);
        Assert.Empty(fresh.Intersect(mfa.RecoveryCodes));
        Assert.Equal(10, _app.Count("mfa_recovery_codes"));
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        await (await mfa.VerifyRecoveryCodeAsync(stateToken, mfa.RecoveryCodes[0])).AssertWixErrorAsync(400, "mfa_code_invalid");
        Assert.Equal("SUCCESS", (await (await mfa.VerifyRecoveryCodeAsync(stateToken, fresh[0])).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Ten_wrong_codes_pause_the_members_MFA_endpoints()
    {
        // Issue #21: ten, counted with the codes of the member's logins (Attacks/SecondFactorGuessingTests).
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var client = mfa.MemberClient();
        var right = mfa.Code();
        var wrong = Latchkey.Server.Tests.Attacks.Attack.Wrong(mfa.Code(-1), right, mfa.Code(1));
        for (var i = 0; i < 10; i++)
        {
            await (await client.PostAsJsonAsync("/mfa/v1/disable", new { code = wrong })).AssertProblemAsync(400, "mfa_code_invalid");
        }

        var paused = await client.PostAsJsonAsync("/mfa/v1/disable", new { code = right });

        await paused.AssertProblemAsync(429, "mfa_attempts_throttled");
        Assert.NotNull(paused.Headers.RetryAfter);
        _app.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/mfa/v1/disable", new { code = mfa.Code() })).StatusCode);
    }

    [Fact]
    public async Task Neither_the_TOTP_secret_nor_a_recovery_code_is_stored_in_clear()
    {
        var mfa = await MfaMember.RegisterAsync(_app);
        var secret = (await mfa.StartAsync()).GetProperty("secret").GetString()!;
        using var client = mfa.MemberClient();
        var codes = (await (await client.PostAsJsonAsync("/mfa/v1/totp/confirm", new { code = mfa.Code() })).JsonAsync())
            .GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();

        RegistrationTests.AssertNowhereInDatabase(_app, [
            secret, Convert.ToBase64String(mfa.Secret), Convert.ToHexString(mfa.Secret),
            .. codes, .. codes.Select(c => c.Replace("-", "", StringComparison.Ordinal))]);
    }

    public void Dispose() => _app.Dispose();
}

/// <summary>
/// MFA with the emailed steps, over a real SMTP socket: recovery (password reset) must not open a way around the
/// second factor, and email verification hands over to it.
/// </summary>
public sealed partial class MfaMailTests : IDisposable
{
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public MfaMailTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    [Fact]
    public async Task Recover_answers_REQUIRE_MFA_and_later_logins_still_need_the_second_factor()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var visitor = await _app.VisitorClientAsync();
        (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = mfa.Member.Email })).EnsureSuccessStatusCode();
        var token = Uri.UnescapeDataString(Link().Match(await _mail.NextBodyAsync(mfa.Member.Email)).Groups["token"].Value);

        var recovered = await (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/recover", new { recoveryToken = token, password = "a brand new passphrase" })).JsonAsync();

        Assert.Equal("REQUIRE_MFA", recovered.GetProperty("state").GetString());
        Assert.False(recovered.TryGetProperty("sessionToken", out _));
        var login = await mfa.LoginAsync("a brand new passphrase");
        Assert.Equal("REQUIRE_MFA", login.GetProperty("state").GetString());
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync(login.GetProperty("stateToken").GetString(), mfa.Code())).JsonAsync()).GetProperty("state").GetString());
        // The recover answer's own state token continues with a second factor too.
        mfa.NextStep();
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync(recovered.GetProperty("stateToken").GetString(), mfa.Code())).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unverified_member_with_MFA_verifies_the_email_then_gets_REQUIRE_MFA()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        _app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        _app.Execute("UPDATE members SET EmailVerified = 0, Status = 2, PendingReasons = 1");
        var login = await mfa.LoginAsync();
        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", login.GetProperty("state").GetString());
        var code = EmailCode().Match(await _mail.NextBodyAsync(mfa.Member.Email)).Groups[1].Value;
        using var visitor = await _app.VisitorClientAsync();

        var verified = await (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken = login.GetProperty("stateToken").GetString() })).JsonAsync();

        Assert.Equal("REQUIRE_MFA", verified.GetProperty("state").GetString());
        Assert.NotEqual(login.GetProperty("stateToken").GetString(), verified.GetProperty("stateToken").GetString());
        Assert.Equal(2, verified.GetProperty("requireMfaData").GetProperty("availableFactors").GetArrayLength());
        Assert.True(verified.GetProperty("identity").GetProperty("email").GetProperty("isVerified").GetBoolean());
        var done = await (await mfa.VerifyTotpAsync(verified.GetProperty("stateToken").GetString(), mfa.Code())).JsonAsync();
        Assert.Equal("SUCCESS", done.GetProperty("state").GetString());
    }

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex EmailCode();

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=(?<token>[A-Za-z0-9_%\-]+)")]
    private static partial Regex Link();

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }
}

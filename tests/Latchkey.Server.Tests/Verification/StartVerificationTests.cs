using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Verification;

/// <summary>
/// Verification API Start (docs/wire/verification.md#start) over a real SMTP socket: <c>/v1/start</c> emails a code and
/// answers a <c>verificationId</c>; <c>/v1/verify</c> completes it. It verifies the email and never signs anyone in.
/// </summary>
public sealed partial class StartVerificationTests : IDisposable
{
    private const string Start = "/_api/iam/verification/v1/start";
    private const string Complete = "/_api/iam/verification/v1/verify";
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public StartVerificationTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    [Fact]
    public async Task An_API_key_starts_a_verification_and_the_emailed_code_verifies_the_email()
    {
        var id = await SignedOnMemberAsync("ann@example.com");
        using var admin = _app.ApiKeyClient();

        var started = await admin.PostAsJsonAsync(Start, new { identityId = id, target = "EMAIL" });

        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var verificationId = (await started.JsonAsync()).GetProperty("verificationId").GetString();
        Assert.Equal(43, verificationId!.Length);
        var code = await CodeAsync("ann@example.com");
        using var visitor = await _app.VisitorClientAsync();
        var completed = await visitor.PostAsJsonAsync(Complete, new { verificationId, code });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var body = await completed.JsonAsync();
        var identity = body.GetProperty("identity");
        Assert.Equal(id, identity.GetProperty("id").GetString());
        Assert.True(identity.GetProperty("email").GetProperty("isVerified").GetBoolean());
        Assert.False(body.TryGetProperty("sessionToken", out _));
        // Single use.
        await (await visitor.PostAsJsonAsync(Complete, new { verificationId, code })).AssertWixErrorAsync(400, "state_token_invalid");
    }

    [Fact]
    public async Task A_pending_member_who_verifies_becomes_active_and_logs_in()
    {
        using var visitor = await _app.VisitorClientAsync();
        _app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        var id = (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString();
        await _mail.NextBodyAsync("ann@example.com");
        using var admin = _app.ApiKeyClient();

        var verificationId = (await (await admin.PostAsJsonAsync(Start, new { identityId = id })).JsonAsync()).GetProperty("verificationId").GetString();
        var identity = (await (await visitor.PostAsJsonAsync(Complete, new { verificationId, code = await CodeAsync("ann@example.com") })).JsonAsync()).GetProperty("identity");

        Assert.Equal("ACTIVE", identity.GetProperty("status").GetProperty("name").GetString());
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_member_may_start_a_verification_of_its_own_email_only()
    {
        var ann = await _app.RegisterMemberAsync("ann@example.com");
        var bob = await _app.RegisterMemberAsync("bob@example.com");
        using var member = _app.CreateClient();
        member.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", (await _app.MemberTokensAsync(ann.SessionToken)).AccessToken);
        using var visitor = await _app.VisitorClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync(Start, new { identityId = ann.Id })).StatusCode);
        await (await member.PostAsJsonAsync(Start, new { identityId = bob.Id })).AssertWixErrorAsync(403, "permission_denied");
        await (await visitor.PostAsJsonAsync(Start, new { identityId = bob.Id })).AssertWixErrorAsync(403, "permission_denied");
        Assert.Equal(0, _mail.CountTo("bob@example.com"));
    }

    [Fact]
    public async Task A_verification_id_is_not_a_login_state_token()
    {
        var id = await SignedOnMemberAsync("ann@example.com");
        using var admin = _app.ApiKeyClient();
        var verificationId = (await (await admin.PostAsJsonAsync(Start, new { identityId = id })).JsonAsync()).GetProperty("verificationId").GetString();
        var code = await CodeAsync("ann@example.com");
        using var visitor = await _app.VisitorClientAsync();

        await (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken = verificationId })).AssertWixErrorAsync(400, "state_token_invalid");
        // And a login's state token is not a verification id.
        _app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        var stateToken = (await (await visitor.RegisterAsync("bob@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        await (await visitor.PostAsJsonAsync(Complete, new { verificationId = stateToken, code = await CodeAsync("bob@example.com") })).AssertWixErrorAsync(400, "state_token_invalid");
        // The right pair still works afterwards.
        Assert.Equal(HttpStatusCode.OK, (await visitor.PostAsJsonAsync(Complete, new { verificationId, code })).StatusCode);
    }

    [Fact]
    public async Task Starts_for_one_member_are_30_seconds_apart()
    {
        var id = await SignedOnMemberAsync("ann@example.com");
        using var admin = _app.ApiKeyClient();
        (await admin.PostAsJsonAsync(Start, new { identityId = id })).EnsureSuccessStatusCode();

        var early = await admin.PostAsJsonAsync(Start, new { identityId = id });

        await early.AssertWixErrorAsync(429, "resend_too_soon");
        Assert.NotNull(early.Headers.RetryAfter);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync(Start, new { identityId = id })).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_codes_end_the_verification_and_an_expired_one_is_410()
    {
        var id = await SignedOnMemberAsync("ann@example.com");
        using var admin = _app.ApiKeyClient();
        var verificationId = (await (await admin.PostAsJsonAsync(Start, new { identityId = id })).JsonAsync()).GetProperty("verificationId").GetString();
        var code = await CodeAsync("ann@example.com");
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 0; i < 4; i++)
        {
            await (await admin.PostAsJsonAsync(Complete, new { verificationId, code = wrong })).AssertWixErrorAsync(400, "verification_code_invalid");
        }

        await (await admin.PostAsJsonAsync(Complete, new { verificationId, code = wrong })).AssertWixErrorAsync(400, "verification_attempts_exceeded");
        await (await admin.PostAsJsonAsync(Complete, new { verificationId, code })).AssertWixErrorAsync(400, "state_token_invalid");

        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        var second = (await (await admin.PostAsJsonAsync(Start, new { identityId = id })).JsonAsync()).GetProperty("verificationId").GetString();
        var secondCode = await CodeAsync("ann@example.com");
        _app.Clock.Advance(TimeSpan.FromMinutes(16));
        await (await admin.PostAsJsonAsync(Complete, new { verificationId = second, code = secondCode })).AssertWixErrorAsync(410, "flow_expired");
    }

    [Theory]
    [InlineData("not-a-guid", "EMAIL", "validation_failed", 400)]
    [InlineData("0190a0b0-0000-7000-8000-000000000000", "SMS", "validation_failed", 400)]
    [InlineData("0190a0b0-0000-7000-8000-000000000000", "EMAIL", "member_id_not_found", 404)]
    public async Task Bad_identity_ids_and_targets_are_refused(string identityId, string target, string code, int status)
    {
        using var admin = _app.ApiKeyClient();

        await (await admin.PostAsJsonAsync(Start, new { identityId, target })).AssertWixErrorAsync(status, code);
    }

    private async Task<string> SignedOnMemberAsync(string email)
    {
        using var admin = _app.ApiKeyClient(await _app.VisitorTokenAsync());
        var body = await (await admin.SignOnAsync(email)).JsonAsync();
        Assert.False(body.GetProperty("identity").GetProperty("email").GetProperty("isVerified").GetBoolean());
        return body.GetProperty("identity").GetProperty("id").GetString()!;
    }

    private async Task<string> CodeAsync(string to) => Code().Match(await _mail.NextBodyAsync(to)).Groups[1].Value;

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex Code();

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }
}

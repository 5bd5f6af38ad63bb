using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: credentials outlive their cause. Before issue #21, after a password change a recovery link issued before
/// it still worked and an unused session token still opened a session; after a recovery with a newer link an older
/// link still worked. Now a password change, a recovery or a block renews the member's security stamp, and every
/// session token, recovery or verification link and open flow carries the stamp it was issued under and is refused
/// when it no longer matches; sessions and their refresh tokens end as before.
/// </summary>
public sealed partial class StaleCredentialTests : IDisposable
{
    private const string NewPassword = "a brand new passphrase";
    private const string Recover = "/_api/iam/recovery/v1/recover";
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public StaleCredentialTests() => _app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }

    private async Task<string> RecoveryLinkAsync(HttpClient visitor, string email)
    {
        (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email })).EnsureSuccessStatusCode();
        return Uri.UnescapeDataString(LinkToken().Match(await _mail.NextBodyAsync(email)).Groups[1].Value);
    }

    private static Task<HttpResponseMessage> CookieAsync(HttpClient client, string sessionToken) =>
        client.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken });

    [Fact]
    public async Task A_password_change_ends_links_unused_session_tokens_open_flows_and_other_refresh_tokens_issued_before_it()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var visitor = await _app.VisitorClientAsync();
        using var admin = _app.ApiKeyClient();

        // What someone who knew the old password could have collected.
        var link = await RecoveryLinkAsync(visitor, mfa.Member.Email);
        var openFlow = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        async Task<string> SessionTokenAsync()
        {
            var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
            mfa.NextStep();
            return (await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).JsonAsync()).GetProperty("sessionToken").GetString()!;
        }

        var unused = await SessionTokenAsync();
        var refresh = (await _app.MemberTokensAsync(await SessionTokenAsync())).RefreshToken!;
        var verificationId = (await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/start", new { identityId = mfa.Member.Id, target = "EMAIL" }))
            .JsonAsync()).GetProperty("verificationId").GetString();
        var verificationCode = Attack.CodeIn(await _mail.NextBodyAsync(mfa.Member.Email));

        using (var owner = mfa.MemberClient())
        {
            (await owner.PostAsJsonAsync($"{Wix.Auth}/v2/change-password", new { newPassword = NewPassword })).EnsureSuccessStatusCode();
        }

        await (await visitor.PostAsJsonAsync(Recover, new { recoveryToken = link, password = "the attacker's choice" })).AssertWixErrorAsync(400, "recovery_token_invalid");
        await (await CookieAsync(visitor, unused)).AssertWixErrorAsync(400, "session_token_invalid");
        mfa.NextStep();
        await (await mfa.VerifyTotpAsync(openFlow, mfa.Code())).AssertWixErrorAsync(400, "state_token_invalid");
        await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/verify", new { verificationId, code = verificationCode })).AssertWixErrorAsync(400, "state_token_invalid");
        using var browser = _app.Browser();
        await (await browser.RefreshAsJsonAsync(_app.Bootstrap.ClientId, refresh)).AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task After_a_recovery_with_a_newer_link_an_older_link_no_longer_works()
    {
        var member = await _app.RegisterMemberAsync();
        using var visitor = await _app.VisitorClientAsync();
        var older = await RecoveryLinkAsync(visitor, member.Email);
        var newer = await RecoveryLinkAsync(visitor, member.Email);

        Assert.Equal(HttpStatusCode.OK, (await visitor.PostAsJsonAsync(Recover, new { recoveryToken = newer, password = NewPassword })).StatusCode);

        await (await visitor.PostAsJsonAsync(Recover, new { recoveryToken = older, password = "the attacker's choice" })).AssertWixErrorAsync(400, "recovery_token_invalid");
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync(member.Email, NewPassword)).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_block_ends_unused_session_tokens_and_links_for_good_even_after_the_member_is_approved_again()
    {
        var member = await _app.RegisterMemberAsync();
        var unused = await _app.LoginSessionTokenAsync(member.Email);
        using var visitor = await _app.VisitorClientAsync();
        var link = await RecoveryLinkAsync(visitor, member.Email);
        using var admin = _app.ApiKeyClient();

        (await admin.PostAsync($"/members/v1/members/{member.Id}/block", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/members/v1/members/{member.Id}/approve", null)).EnsureSuccessStatusCode();

        await (await CookieAsync(visitor, unused)).AssertWixErrorAsync(400, "session_token_invalid");
        await (await visitor.PostAsJsonAsync(Recover, new { recoveryToken = link, password = NewPassword })).AssertWixErrorAsync(400, "recovery_token_invalid");
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync(member.Email)).JsonAsync()).GetProperty("state").GetString());
    }

    [GeneratedRegex(@"/recovery/reset-password\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex LinkToken();
}

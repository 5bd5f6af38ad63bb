using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.PasswordChange;

public class ChangePasswordTests
{
    private const string NewPassword = "a brand new passphrase";

    private static async Task<HttpResponseMessage> ChangeAsync(LatchkeyApp app, string authorization, object body)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return await client.PostAsJsonAsync($"{Wix.Auth}/v2/change-password", body);
    }

    /// <summary>One member, two sessions: A from registering, B from a later login.</summary>
    private static async Task<(LatchkeyApp App, NewMember Member, TokenSet A, TokenSet B)> TwoSessionsAsync()
    {
        var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var a = await app.MemberTokensAsync(member.SessionToken);
        var b = await app.MemberTokensAsync(await app.LoginSessionTokenAsync(member.Email));
        return (app, member, a, b);
    }

    [Fact]
    public async Task Changing_the_password_keeps_the_callers_session_and_ends_the_others()
    {
        var (app, _, a, b) = await TwoSessionsAsync();
        using (app)
        {
            var response = await ChangeAsync(app, "Bearer " + a.AccessToken, new { newPassword = NewPassword });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{}", await response.Content.ReadAsStringAsync());
            using var client = app.CreateClient();
            await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, b.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
            Assert.Equal(HttpStatusCode.OK, (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, a.RefreshToken!)).StatusCode);
        }
    }

    [Fact]
    public async Task The_other_sessions_access_token_is_401_on_change_password_afterwards()
    {
        var (app, _, a, b) = await TwoSessionsAsync();
        using (app)
        {
            (await ChangeAsync(app, a.AccessToken, new { newPassword = NewPassword })).EnsureSuccessStatusCode();

            var response = await ChangeAsync(app, b.AccessToken, new { newPassword = "yet another passphrase" });

            await response.AssertWixErrorAsync(401, "unauthenticated");
        }
    }

    [Fact]
    public async Task After_the_change_the_old_password_no_longer_logs_in_and_the_new_one_does()
    {
        var (app, member, a, _) = await TwoSessionsAsync();
        using (app)
        {
            (await ChangeAsync(app, a.AccessToken, new { newPassword = NewPassword })).EnsureSuccessStatusCode();
            using var visitor = await app.VisitorClientAsync();

            await (await visitor.LoginAsync(member.Email, Wix.Password)).AssertWixErrorAsync(401, "invalid_credentials");
            var login = await visitor.LoginAsync(member.Email, NewPassword);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal("SUCCESS", (await login.JsonAsync()).GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task A_visitor_token_is_401_member_token_required()
    {
        using var app = new LatchkeyApp();

        var response = await ChangeAsync(app, await app.VisitorTokenAsync(), new { newPassword = NewPassword });

        await response.AssertWixErrorAsync(401, "member_token_required");
    }

    [Theory]
    [InlineData("short", "MIN_LENGTH")]
    [InlineData("password123", "COMMON_PASSWORD")]
    public async Task A_password_the_policy_refuses_is_400_validation_failed_on_newPassword(string password, string rule)
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);

        var response = await ChangeAsync(app, tokens.AccessToken, new { newPassword = password });

        var body = await response.AssertWixErrorAsync(400, "validation_failed");
        var violation = body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0];
        Assert.Equal("newPassword", violation.GetProperty("field").GetString());
        Assert.Equal(rule, violation.GetProperty("violatedRule").GetString());
        using var visitor = await app.VisitorClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await visitor.LoginAsync(member.Email, Wix.Password)).StatusCode); // unchanged
    }
}

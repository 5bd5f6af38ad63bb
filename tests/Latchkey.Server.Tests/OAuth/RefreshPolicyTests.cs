using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

public class RefreshPolicyTests
{
    [Fact]
    public async Task The_Wix_SDK_client_refreshes_three_times_with_the_same_refresh_token_and_gets_no_new_one()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            var renewed = await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).TokensAsync();

            Assert.Null(renewed.RefreshToken);
            Assert.Equal(14400, renewed.Body.GetProperty("expires_in").GetInt32());
            var claims = OAuthFlow.JwtPart(renewed.AccessToken, 1);
            Assert.Equal(member.Id, claims.GetProperty("sub").GetString());
            Assert.Equal("member", claims.GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task A_standard_client_gets_a_new_refresh_token_on_each_refresh()
    {
        using var app = new LatchkeyApp();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(standard, member.SessionToken);
        using var client = app.CreateClient();

        var second = await (await client.RefreshAsFormAsync(standard.ClientId, tokens.RefreshToken!)).TokensAsync();
        var third = await (await client.RefreshAsFormAsync(standard.ClientId, second.RefreshToken!)).TokensAsync();

        Assert.NotNull(second.RefreshToken);
        Assert.NotNull(third.RefreshToken);
        Assert.Equal(3, new HashSet<string> { tokens.RefreshToken!, second.RefreshToken, third.RefreshToken }.Count);
        Assert.Equal(member.Id, OAuthFlow.JwtPart(third.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_standard_client_presenting_a_used_refresh_token_gets_invalid_grant_and_the_whole_family_is_revoked()
    {
        using var app = new LatchkeyApp();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var member = await app.RegisterMemberAsync();
        var first = await app.MemberTokensAsync(standard, member.SessionToken);
        using var client = app.CreateClient();
        var second = await (await client.RefreshAsFormAsync(standard.ClientId, first.RefreshToken!)).TokensAsync();

        await (await client.RefreshAsFormAsync(standard.ClientId, first.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");

        await (await client.RefreshAsFormAsync(standard.ClientId, second.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        // The authorization too, so that a token a concurrent refresh writes after the reuse is refused as well.
        Assert.Equal(0, app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictAuthorizations WHERE Status <> 'revoked'"));
    }

    [Fact]
    public async Task A_refresh_writes_no_token_row_and_slides_the_session_at_most_once_a_minute()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();
        var rows = app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictTokens");
        var opened = app.Scalar<long>("SELECT ExpiresAt FROM member_sessions");

        app.Clock.Advance(TimeSpan.FromSeconds(59));
        (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).EnsureSuccessStatusCode();
        var unmoved = app.Scalar<long>("SELECT ExpiresAt FROM member_sessions");
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).EnsureSuccessStatusCode();
        var slid = app.Scalar<long>("SELECT ExpiresAt FROM member_sessions");

        // ADR 0016: no access-token rows; the session slides only once its last slide is a minute old.
        Assert.Equal(rows, app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictTokens"));
        Assert.Equal(0, app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictTokens WHERE Type LIKE '%access_token'"));
        Assert.Equal(opened, unmoved);
        // Stored as UTC ticks: moved to 90 days from the second refresh, 61 s after the session opened.
        Assert.Equal(TimeSpan.FromSeconds(61).Ticks, slid - opened);
    }

    [Fact]
    public async Task A_refresh_token_is_invalid_grant_after_90_days()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        app.Clock.Advance(TimeSpan.FromDays(91));

        await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task A_refresh_token_still_works_within_its_lifetime()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        app.Clock.Advance(TimeSpan.FromDays(89));

        Assert.Equal(HttpStatusCode.OK, (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).StatusCode);
    }

    [Fact]
    public async Task A_blocked_members_refresh_token_is_invalid_grant()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        app.Execute("UPDATE members SET Status = 3");

        await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task A_refresh_token_is_bound_to_the_client_it_was_issued_to()
    {
        using var app = new LatchkeyApp();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        await (await client.RefreshAsFormAsync(standard.ClientId, tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task A_blocked_member_loses_the_browser_session_and_every_member_token()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        using var browser = app.Browser();
        (await browser.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken = member.SessionToken })).EnsureSuccessStatusCode();
        var request = app.Authorize(sessionToken: null);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));
        var tokens = await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();

        app.Execute("UPDATE members SET Status = 3");

        Assert.Equal("login_required", (await browser.GetAsync(app.Authorize(sessionToken: null).Url())).LocationParameters()["error"]);
        var info = await (await browser.PostAsJsonAsync("/oauth2/token-info", new { token = tokens.AccessToken })).JsonAsync();
        Assert.False(info.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_standard_clients_rotated_refresh_tokens_keep_a_member_signed_in_past_90_days_of_use()
    {
        using var app = new LatchkeyApp();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var member = await app.RegisterMemberAsync();
        var refreshToken = (await app.MemberTokensAsync(standard, member.SessionToken)).RefreshToken!;
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromDays(60));
            refreshToken = (await (await client.RefreshAsFormAsync(standard.ClientId, refreshToken)).TokensAsync()).RefreshToken!;
        }
    }

    [Fact]
    public async Task The_Wix_SDK_clients_stable_refresh_token_keeps_a_member_signed_in_past_90_days_of_use()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromDays(60));
            await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).TokensAsync();
        }
    }
}

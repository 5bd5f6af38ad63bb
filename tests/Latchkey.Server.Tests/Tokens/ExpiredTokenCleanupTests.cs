using Latchkey.Core.Tokens;
using Latchkey.Server.OAuth;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>The token tables hold what is live (issue #10, soak): expired rows are deleted, live tokens keep working.</summary>
public class ExpiredTokenCleanupTests
{
    [Fact]
    public async Task Expired_session_tokens_and_spent_codes_are_deleted_and_a_live_refresh_token_keeps_working()
    {
        using var app = new LatchkeyApp();
        var member = await app.RegisterMemberAsync();
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        await app.LoginSessionTokenAsync(); // one more, never used
        var cleanup = app.Services.GetRequiredService<ExpiredTokenCleanup>();
        Assert.Equal(2, app.Count("session_tokens"));

        // Within their lifetime nothing goes; just after it, the session tokens do (used or not).
        Assert.Equal(0, (await cleanup.RunOnceAsync(CancellationToken.None)).SessionTokens);
        app.Clock.Advance(SessionToken.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await cleanup.RunOnceAsync(CancellationToken.None)).SessionTokens);
        Assert.Equal(0, app.Count("session_tokens"));

        // The redeemed authorization code is kept for the retention, then pruned; the valid refresh token stays.
        var codes = "SELECT COUNT(*) FROM OpenIddictTokens WHERE Type LIKE '%:authorization_code'";
        Assert.Equal(1L, app.Scalar<long>(codes));
        app.Clock.Advance(ExpiredTokenCleanup.OpenIddictRetention + TimeSpan.FromMinutes(1));
        await cleanup.RunOnceAsync(CancellationToken.None);
        Assert.Equal(0L, app.Scalar<long>(codes));
        Assert.Equal(1L, app.Scalar<long>("SELECT COUNT(*) FROM OpenIddictTokens WHERE Type LIKE '%:refresh_token'"));
        using var http = app.CreateClient();
        await (await http.RefreshAsJsonAsync(app.Bootstrap.ClientId, tokens.RefreshToken!)).TokensAsync();
    }
}

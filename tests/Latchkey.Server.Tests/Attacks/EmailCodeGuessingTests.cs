using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: email codes guessed or mailed without end. Before issue #21 each login of a pending member mailed a new code
/// with five fresh tries (20 logins sent 21 emails; 40 wrong codes across flows were all judged), and the Verification
/// API's Start and verify had no guard. Now an address gets its first code and four more an hour, then 429 with
/// Retry-After; wrong codes count per member across flows (ten judged, then a growing pause, an email and an audit
/// event), and Start and verify run the guard.
/// </summary>
public sealed class EmailCodeGuessingTests(MigratedPostgres databases) : IDisposable
{
    private const string Ann = "ann@example.com";
    private const string Verify = "/_api/iam/verification/v1/auth/verify";
    private const string Resend = "/_api/iam/verification/v1/auth/resend";

    private readonly SmtpMailbox _mail = new();

    public void Dispose() => _mail.Dispose();

    /// <summary>A pending member and the state tokens of five flows: the registration and four logins (five codes).</summary>
    private async Task<(HttpClient Visitor, List<string> StateTokens, HashSet<string> Codes)> FiveFlowsAsync(LatchkeyApp app)
    {
        app.StartOfAnHour();
        await app.RequireEmailVerificationAsync();
        var visitor = await app.VisitorClientAsync();
        var stateTokens = new List<string> { (await (await visitor.RegisterAsync(Ann)).JsonAsync()).GetProperty("stateToken").GetString()! };
        for (var i = 0; i < 4; i++)
        {
            stateTokens.Add((await (await visitor.LoginAsync(Ann)).JsonAsync()).GetProperty("stateToken").GetString()!);
        }

        var codes = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add(Attack.CodeIn(await _mail.NextBodyAsync(Ann)));
        }

        return (visitor, stateTokens, codes);
    }

    [Fact]
    public async Task An_address_gets_its_first_code_and_four_more_an_hour_then_429_with_Retry_After()
    {
        using var app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        app.StartOfAnHour();
        await app.RequireEmailVerificationAsync();
        using var visitor = await app.VisitorClientAsync();
        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", (await (await visitor.RegisterAsync(Ann)).JsonAsync()).GetProperty("state").GetString());

        var answers = new List<(int, string?)>();
        for (var i = 0; i < 20; i++)
        {
            var response = await visitor.LoginAsync(Ann);
            answers.Add(await response.OutcomeAsync());
            if ((int)response.StatusCode == 429)
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.Equal(4, answers.Count(a => a == (200, null)));
        Assert.Equal(16, answers.Count(a => a == (429, "email_code_limit_reached")));
        Assert.Equal(5L, app.Count("email_outbox"));

        // Resends draw on the same allowance.
        var bob = (await (await visitor.RegisterAsync("bob@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        for (var i = 0; i < 4; i++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(31));
            (await visitor.PostAsJsonAsync(Resend, new { stateToken = bob })).EnsureSuccessStatusCode();
        }

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        var refused = await visitor.PostAsJsonAsync(Resend, new { stateToken = bob });
        await refused.AssertWixErrorAsync(429, "email_code_limit_reached");
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);

        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", (await (await visitor.LoginAsync(Ann)).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Twenty_wrong_codes_across_five_flows_are_judged_ten_times_then_the_member_is_paused()
    {
        using var app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        var (visitor, stateTokens, codes) = await FiveFlowsAsync(app);
        var wrong = Attack.Wrong([.. codes]);

        var answers = new List<(int, string?)>();
        foreach (var stateToken in stateTokens)
        {
            for (var i = 0; i < 4; i++)
            {
                answers.Add(await (await visitor.PostAsJsonAsync(Verify, new { code = wrong, stateToken })).OutcomeAsync());
            }
        }

        Assert.Equal(10, answers.Count(a => a == (400, "verification_code_invalid")));
        Assert.Equal(10, answers.Count(a => a == (429, "verification_attempts_throttled")));
        // Even the right code waits: whichever of the five codes belongs to the last flow.
        foreach (var code in codes)
        {
            await (await visitor.PostAsJsonAsync(Verify, new { code, stateToken = stateTokens[^1] })).AssertWixErrorAsync(429, "verification_attempts_throttled");
        }

        Assert.Contains("paused", await _mail.NextBodyAsync(Ann), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1L, app.Scalar<long>("""SELECT COUNT(*) FROM audit_events WHERE "Action" = 'member.email_codes_paused'"""));

        // After the pause and the hour, a new code verifies.
        app.Clock.Advance(TimeSpan.FromHours(1));
        var fresh = (await (await visitor.LoginAsync(Ann)).JsonAsync()).GetProperty("stateToken").GetString();
        var code1 = Attack.CodeIn(await _mail.NextBodyAsync(Ann));
        Assert.Equal("SUCCESS", (await (await visitor.PostAsJsonAsync(Verify, new { code = code1, stateToken = fresh })).JsonAsync()).GetProperty("state").GetString());
        visitor.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fifty_concurrent_wrong_codes_at_one_code_then_fifty_at_the_members_other_codes_are_judged_at_most_ten_times(bool onPostgreSql)
    {
        await using var app = onPostgreSql
            ? await LatchkeyApp.OnPostgreSqlAsync(databases, Attack.FromManyAddresses(_mail))
            : new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        var (visitor, stateTokens, codes) = await FiveFlowsAsync(app);
        var wrong = Attack.Wrong([.. codes]);

        async Task<(int Status, string? Code)[]> BurstAsync(Func<int, string> stateToken)
        {
            using var start = new SemaphoreSlim(0);
            var requests = Enumerable.Range(0, 50).Select(async i =>
            {
                await start.WaitAsync();
                return await (await visitor.PostAsJsonAsync(Verify, new { code = wrong, stateToken = stateToken(i) })).OutcomeAsync();
            }).ToList();
            start.Release(50);
            return await Task.WhenAll(requests);
        }

        var atOneCode = await BurstAsync(_ => stateTokens[0]);
        var atTheRest = await BurstAsync(i => stateTokens[1 + (i % 4)]);

        var judgedAtOne = atOneCode.Count(o => o.Code == "verification_code_invalid");
        var judged = judgedAtOne + atTheRest.Count(o => o.Code == "verification_code_invalid");
        Assert.True(judgedAtOne <= 5, $"{judgedAtOne} of 50 concurrent guesses at one code were judged");
        Assert.True(judged <= 10, $"{judged} of 100 concurrent guesses at one member's codes were judged: {string.Join(", ", atTheRest)}");
        Assert.All(atOneCode.Concat(atTheRest).Where(o => o.Code != "verification_code_invalid"),
            o => Assert.True(o.Code is "verification_attempts_exceeded" or "verification_attempts_throttled" or "state_token_invalid", o.ToString()));
        visitor.Dispose();
    }

    [Fact]
    public async Task Start_mails_at_most_five_codes_an_hour_and_its_verify_counts_wrong_codes_per_member()
    {
        using var app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        app.StartOfAnHour();
        var member = await app.RegisterMemberAsync(Ann);
        using var admin = app.ApiKeyClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var started = await admin.PostAsJsonAsync("/_api/iam/verification/v1/start", new { identityId = member.Id, target = "EMAIL" });
            started.EnsureSuccessStatusCode();
            ids.Add((await started.JsonAsync()).GetProperty("verificationId").GetString()!);
            app.Clock.Advance(TimeSpan.FromSeconds(31));
        }

        var sixth = await admin.PostAsJsonAsync("/_api/iam/verification/v1/start", new { identityId = member.Id, target = "EMAIL" });
        await sixth.AssertWixErrorAsync(429, "email_code_limit_reached");
        Assert.NotNull(sixth.Headers.RetryAfter?.Delta);

        var codes = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add(Attack.CodeIn(await _mail.NextBodyAsync(Ann)));
        }

        var wrong = Attack.Wrong([.. codes]);
        for (var i = 0; i < 10; i++)
        {
            await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/verify", new { verificationId = ids[i % 5], code = wrong }))
                .AssertWixErrorAsync(400, "verification_code_invalid");
        }

        await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/verify", new { verificationId = ids[4], code = wrong }))
            .AssertWixErrorAsync(429, "verification_attempts_throttled");
    }

    [Fact]
    public async Task Start_and_its_verify_are_rate_limited_per_address()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var answers = new List<(int, string?)>();
        for (var i = 0; i < 31; i++)
        {
            answers.Add(await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/verify", new { verificationId = "guess-" + i, code = "123456" })).OutcomeAsync());
        }

        Assert.Equal(30, answers.Count(a => a == (400, "state_token_invalid")));
        Assert.Equal((429, "rate_limited"), answers[^1]);
        await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/start", new { identityId = Guid.CreateVersion7().ToString(), target = "EMAIL" }))
            .AssertWixErrorAsync(429, "rate_limited");
    }
}

using System.Net.Http.Json;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: an attacker who has the password guesses the second factor. Before issue #21 each correct-password login
/// opened a REQUIRE_MFA flow with five fresh tries and misses never counted against the member: 60 wrong codes over
/// 12 logins were all judged, and the right code still worked. Now wrong TOTP and recovery codes count per member,
/// across flows and the member's own <c>/mfa/v1/*</c> endpoints, in one atomic counter in the database: ten are
/// judged, then the factor pauses with a growing cool-down, the member is emailed and the event audited.
/// </summary>
public sealed class SecondFactorGuessingTests(MigratedPostgres databases) : IDisposable
{
    private readonly SmtpMailbox _mail = new();

    public void Dispose() => _mail.Dispose();

    private static string WrongTotp(MfaMember mfa) => Attack.Wrong(mfa.Code(-1), mfa.Code(), mfa.Code(1));

    [Fact]
    public async Task Sixty_wrong_codes_over_fifteen_logins_are_judged_ten_times_then_even_the_right_code_waits_for_a_growing_pause()
    {
        using var app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        var mfa = await MfaMember.EnrolledAsync(app);

        var judged = 0;
        var paused = 0;
        for (var round = 0; round < 15; round++)
        {
            var login = await mfa.LoginAsync();
            // The right password never resets the count: every round is another REQUIRE_MFA.
            Assert.Equal("REQUIRE_MFA", login.GetProperty("state").GetString());
            for (var i = 0; i < 4; i++)
            {
                var response = await mfa.VerifyTotpAsync(login.GetProperty("stateToken").GetString(), WrongTotp(mfa));
                switch (await response.OutcomeAsync())
                {
                    case (400, "mfa_code_invalid"):
                        judged++;
                        break;
                    case (429, "mfa_attempts_throttled"):
                        Assert.NotNull(response.Headers.RetryAfter?.Delta);
                        paused++;
                        break;
                    case var other:
                        Assert.Fail($"unexpected answer {other}");
                        break;
                }
            }
        }

        Assert.Equal((10, 50), (judged, paused));

        // Paused means paused: the right TOTP code and a recovery code wait as well.
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        mfa.NextStep();
        await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).AssertWixErrorAsync(429, "mfa_attempts_throttled");
        await (await mfa.VerifyRecoveryCodeAsync(stateToken, mfa.RecoveryCodes[0])).AssertWixErrorAsync(429, "mfa_attempts_throttled");

        // The member is told (someone has the password) and the pause is in the audit log.
        Assert.Contains("paused", await _mail.NextBodyAsync(mfa.Member.Email), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1L, app.Scalar<long>("""SELECT COUNT(*) FROM audit_events WHERE "Action" = 'member.mfa_paused'"""));

        // The first pause is 15 minutes; ten more misses after it buy a longer one.
        app.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            var login = await mfa.LoginAsync();
            await (await mfa.VerifyTotpAsync(login.GetProperty("stateToken").GetString(), WrongTotp(mfa))).AssertWixErrorAsync(400, "mfa_code_invalid");
        }

        app.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).AssertWixErrorAsync(429, "mfa_attempts_throttled");
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        Assert.Equal("SUCCESS", (await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Wrong_codes_at_login_and_at_the_members_own_MFA_endpoints_share_one_count()
    {
        using var app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        var mfa = await MfaMember.EnrolledAsync(app);
        using var member = mfa.MemberClient();

        for (var flow = 0; flow < 2; flow++)
        {
            var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
            for (var i = 0; i < 3; i++)
            {
                await (await mfa.VerifyTotpAsync(stateToken, WrongTotp(mfa))).AssertWixErrorAsync(400, "mfa_code_invalid");
            }
        }

        for (var i = 0; i < 4; i++)
        {
            await (await member.PostAsJsonAsync("/mfa/v1/disable", new { code = WrongTotp(mfa) })).AssertProblemAsync(400, "mfa_code_invalid");
        }

        // Ten misses in all: the eleventh code waits wherever it is entered, right or not.
        await (await member.PostAsJsonAsync("/mfa/v1/disable", new { code = mfa.Code() })).AssertProblemAsync(429, "mfa_attempts_throttled");
        await (await member.PostAsJsonAsync("/mfa/v1/recovery-codes", new { recoveryCode = mfa.RecoveryCodes[0] })).AssertProblemAsync(429, "mfa_attempts_throttled");
        var again = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        await (await mfa.VerifyTotpAsync(again, mfa.Code())).AssertWixErrorAsync(429, "mfa_attempts_throttled");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fifty_concurrent_wrong_codes_at_one_member_are_judged_at_most_ten_times(bool onPostgreSql)
    {
        await using var app = onPostgreSql
            ? await LatchkeyApp.OnPostgreSqlAsync(databases, Attack.FromManyAddresses(_mail))
            : new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        var mfa = await MfaMember.EnrolledAsync(app);
        using var member = mfa.MemberClient();
        var flows = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            flows.Add((await mfa.LoginAsync()).GetProperty("stateToken").GetString());
        }

        var wrong = WrongTotp(mfa);
        using var visitor = await app.VisitorClientAsync();
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            await start.WaitAsync();
            var response = i % 2 == 0
                ? await visitor.PostAsJsonAsync(MfaMember.Verify, new { stateToken = flows[i / 2 % 5], factorType = "TOTP", totpData = new { code = wrong } })
                : await member.PostAsJsonAsync("/mfa/v1/disable", new { code = wrong });
            return await response.OutcomeAsync();
        }).ToList();
        start.Release(50);
        var outcomes = await Task.WhenAll(requests);

        var judged = outcomes.Count(o => o.Code is "mfa_code_invalid" or "totp_code_reused");
        Assert.True(judged <= 10, $"{judged} of 50 concurrent wrong codes were judged: {string.Join(", ", outcomes)}");
        Assert.All(outcomes.Where(o => o.Code is not ("mfa_code_invalid" or "totp_code_reused")),
            o => Assert.True(o is (429, "mfa_attempts_throttled") or (400, "verification_attempts_exceeded"), o.ToString()));
        var stateToken = (await mfa.LoginAsync()).GetProperty("stateToken").GetString();
        await (await mfa.VerifyTotpAsync(stateToken, mfa.Code())).AssertWixErrorAsync(429, "mfa_attempts_throttled");
    }
}

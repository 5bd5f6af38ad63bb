using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Latchkey.Server.Tests.Storage;

/// <summary>
/// Issue #7: every single-use secret has exactly one winner under 50 concurrent redemptions, through the whole server
/// pipeline on a real PostgreSQL (docs/conventions.md#tests: READ COMMITTED is where lost updates happen; SQLite
/// serialises writers and hides them). Each test starts the 50 requests behind one gate so that they overlap, then
/// checks the database.
/// </summary>
public sealed partial class PostgreSqlRaceTests(MigratedPostgres databases) : IAsyncLifetime
{
    private const int Attempts = 50;
    private const string Verify = "/_api/iam/verification/v1/auth/verify";
    private const string StartVerification = "/_api/iam/verification/v1/start";
    private const string CompleteVerification = "/_api/iam/verification/v1/verify";
    private const string SendRecoveryEmail = "/_api/iam/recovery/v1/send-email";
    private const string Recover = "/_api/iam/recovery/v1/recover";

    private readonly SmtpMailbox _mail = new();
    private LatchkeyApp? _app;

    private LatchkeyApp App => _app ?? throw new InvalidOperationException("The app starts in InitializeAsync.");

    public async ValueTask InitializeAsync()
    {
        var settings = _mail.Settings;
        // All 50 requests come from one test client address: the per-IP limits would answer 429 long before the
        // race is reached. The per-site limits stay on (and so take 50 concurrent counter upserts as well).
        foreach (var action in (string[])["Login", "Register", "Recovery", "Verification"])
        {
            settings[$"Latchkey:Throttling:PerIpPerMinute:{action}"] = "0";
        }

        _app = await LatchkeyApp.OnPostgreSqlAsync(databases, settings);
        _app.StartServer();
        // 50 Argon2id hashes at the default cost take many seconds on a small machine, and the hashing gate turns the
        // late ones away (hashing_busy). These races are about the database, so the site hashes cheaply.
        _app.Execute("""UPDATE sites SET "HashIterations" = 1, "HashMemoryKiB" = 64""");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _mail.Dispose();
    }

    [Fact]
    public async Task Of_50_concurrent_authorize_requests_with_one_session_token_exactly_one_gets_a_code()
    {
        var member = await App.RegisterMemberAsync();
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var requests = Enumerable.Range(0, Attempts).Select(_ => App.Authorize(member.SessionToken)).ToArray();

        var responses = await AllAtOnceAsync(i => browser.GetAsync(requests[i].Url()));

        var parameters = responses.Select(r => r.LocationParameters()).ToArray();
        Report(parameters.Select(p => p.TryGetValue("error", out var error) ? error : "code"));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var winner = Assert.Single(Enumerable.Range(0, Attempts), i => parameters[i].ContainsKey("code"));
        Assert.All(Enumerable.Range(0, Attempts).Where(i => i != winner), i =>
        {
            Assert.Equal("invalid_request", parameters[i]["error"]);
            Assert.Equal(requests[i].State, parameters[i]["state"]);
        });
        Assert.Equal(1, App.Scalar<long>("""SELECT COUNT(*) FROM session_tokens WHERE "ConsumedAt" IS NOT NULL"""));
        Assert.Equal(1, App.Count("member_sessions"));
        // The winner's code is a real one.
        await (await browser.ExchangeAsJsonAsync(App.Bootstrap.ClientId, parameters[winner]["code"], requests[winner].Pkce.Verifier)).TokensAsync();
    }

    [Fact]
    public async Task Of_50_concurrent_exchanges_of_one_authorization_code_exactly_one_gets_tokens()
    {
        var member = await App.RegisterMemberAsync();
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var request = App.Authorize(member.SessionToken);
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(request.Url()));

        var responses = await AllAtOnceAsync(_ => browser.ExchangeAsJsonAsync(App.Bootstrap.ClientId, code, request.Pkce.Verifier));

        var errors = await OAuthErrorsAsync(responses);
        Report(errors);
        Assert.Single(errors, e => e == "ok");
        Assert.Equal(Attempts - 1, errors.Count(e => e == "invalid_grant"));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, App.Scalar<long>("""SELECT COUNT(*) FROM "OpenIddictTokens" WHERE "Type" LIKE '%authorization_code' AND "Status" <> 'valid'"""));
        // One token response was issued, so one refresh token exists.
        Assert.Equal(1, App.Scalar<long>("""SELECT COUNT(*) FROM "OpenIddictTokens" WHERE "Type" LIKE '%refresh_token'"""));
    }

    [Fact]
    public async Task Of_50_concurrent_verifications_on_one_state_token_exactly_one_signs_in()
    {
        using (var admin = App.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        }

        using var visitor = await App.VisitorClientAsync();
        var stateToken = (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        var code = SixDigits().Match(await _mail.NextBodyAsync("ann@example.com")).Value;

        var responses = await AllAtOnceAsync(_ => visitor.PostAsJsonAsync(Verify, new { code, stateToken }));

        var outcomes = await WixOutcomesAsync(responses);
        Report(outcomes);
        Assert.Single(outcomes, o => o == "SUCCESS");
        // Five attempts at most are taken; the rest find them spent, or the flow already moved on.
        Assert.All(outcomes.Where(o => o != "SUCCESS"), o => Assert.True(o is "state_token_invalid" or "verification_attempts_exceeded", o));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, App.Count("session_tokens"));
        Assert.Equal(1, App.Scalar<long>("""SELECT COUNT(*) FROM members WHERE "EmailVerified" """));
    }

    [Fact]
    public async Task Of_50_concurrent_completions_of_one_started_verification_exactly_one_verifies()
    {
        var member = await App.RegisterMemberAsync();
        using var admin = App.ApiKeyClient();
        var started = await admin.PostAsJsonAsync(StartVerification, new { identityId = member.Id, target = "EMAIL" });
        var verificationId = (await started.JsonAsync()).GetProperty("verificationId").GetString();
        var code = SixDigits().Match(await _mail.NextBodyAsync("ann@example.com")).Value;
        using var visitor = await App.VisitorClientAsync();

        var responses = await AllAtOnceAsync(_ => visitor.PostAsJsonAsync(CompleteVerification, new { verificationId, code }));

        var outcomes = await Task.WhenAll(responses.Select(async r =>
            r.StatusCode == HttpStatusCode.OK ? "verified" : (await r.JsonAsync()).GetProperty("code").GetString()!));
        Report(outcomes);
        Assert.Single(outcomes, o => o == "verified");
        Assert.All(outcomes.Where(o => o != "verified"), o => Assert.True(o is "state_token_invalid" or "verification_attempts_exceeded", o));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, App.Scalar<long>("""SELECT COUNT(*) FROM members WHERE "EmailVerified" """));
    }

    [Fact]
    public async Task Of_50_concurrent_recoveries_with_one_recovery_token_exactly_one_sets_its_password()
    {
        using var visitor = await App.VisitorClientAsync();
        (await visitor.RegisterAsync("ann@example.com")).EnsureSuccessStatusCode();
        (await visitor.PostAsJsonAsync(SendRecoveryEmail, new { email = "ann@example.com" })).EnsureSuccessStatusCode();
        var recoveryToken = Uri.UnescapeDataString(RecoveryLink().Match(await _mail.NextBodyAsync("ann@example.com")).Groups["token"].Value);
        var passwords = Enumerable.Range(0, Attempts).Select(i => $"a brand new passphrase {i}").ToArray();

        var responses = await AllAtOnceAsync(i => visitor.PostAsJsonAsync(Recover, new { recoveryToken, password = passwords[i] }));

        var outcomes = await WixOutcomesAsync(responses);
        Report(outcomes);
        var winner = Assert.Single(Enumerable.Range(0, Attempts), i => outcomes[i] == "SUCCESS");
        Assert.Equal(Attempts - 1, outcomes.Count(o => o == "recovery_token_invalid"));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        // The password is the winner's, not a loser's written afterwards.
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync("ann@example.com", passwords[winner])).JsonAsync()).GetProperty("state").GetString());
        await (await visitor.LoginAsync("ann@example.com", passwords[(winner + 1) % Attempts])).AssertWixErrorAsync(401, "invalid_credentials");
    }

    [Fact]
    public async Task Of_50_concurrent_refreshes_with_one_rotating_refresh_token_exactly_one_succeeds_and_the_family_is_revoked()
    {
        var standard = await App.RegisterStandardClientAsync(confidential: false);
        var member = await App.RegisterMemberAsync();
        var tokens = await App.MemberTokensAsync(standard, member.SessionToken);
        using var client = App.CreateClient();

        var responses = await AllAtOnceAsync(_ => client.RefreshAsFormAsync(standard.ClientId, tokens.RefreshToken!));

        var errors = await OAuthErrorsAsync(responses);
        Report(errors);
        var winner = Assert.Single(Enumerable.Range(0, Attempts), i => errors[i] == "ok");
        Assert.Equal(Attempts - 1, errors.Count(e => e == "invalid_grant"));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        // The first refresh token and the winner's: no loser was issued one.
        Assert.Equal(2, App.Scalar<long>("""SELECT COUNT(*) FROM "OpenIddictTokens" WHERE "Type" LIKE '%refresh_token'"""));
        // Decision 0008: a used rotating token presented again revokes its family, so tabs racing on one token all
        // lose it, the winner included.
        var renewed = await responses[winner].TokensAsync();
        await (await client.RefreshAsFormAsync(standard.ClientId, renewed.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        Assert.Equal(0, App.Scalar<long>("""SELECT COUNT(*) FROM "OpenIddictAuthorizations" WHERE "Status" <> 'revoked'"""));
    }

    [Fact]
    public async Task Of_50_concurrent_registrations_of_one_email_exactly_one_creates_a_member()
    {
        using var visitor = await App.VisitorClientAsync();

        var responses = await AllAtOnceAsync(_ => visitor.RegisterAsync("ann@example.com"));

        var outcomes = await WixOutcomesAsync(responses);
        Report(outcomes);
        Assert.Single(outcomes, o => o == "SUCCESS");
        Assert.Equal(Attempts - 1, outcomes.Count(o => o == "email_already_exists"));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, App.Count("members"));
    }

    /// <summary>
    /// Runs <see cref="Attempts"/> requests behind one gate that opens when the last of them is parked at it, so they
    /// reach the server together rather than one after another as their tasks happen to start.
    /// </summary>
    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(Func<int, Task<HttpResponseMessage>> attempt)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        var running = Enumerable.Range(0, Attempts).Select(i => Task.Run(async () =>
        {
            if (Interlocked.Increment(ref waiting) == Attempts)
            {
                gate.SetResult();
            }

            await gate.Task;
            return await attempt(i);
        })).ToArray();
        return await Task.WhenAll(running);
    }

    /// <summary>"SUCCESS" (or the state) for a 200 Wix answer, else the envelope's stable code.</summary>
    private static async Task<string[]> WixOutcomesAsync(HttpResponseMessage[] responses) =>
        await Task.WhenAll(responses.Select(async r =>
        {
            var body = await r.JsonAsync();
            return r.StatusCode == HttpStatusCode.OK ? body.GetProperty("state").GetString()! : body.GetProperty("code").GetString()!;
        }));

    /// <summary>"ok" for a 200 token response, else the RFC 6749 <c>error</c>.</summary>
    private static async Task<string[]> OAuthErrorsAsync(HttpResponseMessage[] responses) =>
        await Task.WhenAll(responses.Select(async r =>
            r.StatusCode == HttpStatusCode.OK ? "ok" : (await r.JsonAsync()).GetProperty("error").GetString()!));

    /// <summary>Writes how the 50 answers split, so a run shows the numbers and not only pass or fail.</summary>
    private static void Report(IEnumerable<string> outcomes) =>
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ",
            outcomes.GroupBy(o => o).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}: {g.Count()}")));

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=(?<token>[A-Za-z0-9_%\-]+)")]
    private static partial Regex RecoveryLink();
}

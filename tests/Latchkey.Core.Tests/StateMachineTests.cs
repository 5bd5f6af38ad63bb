using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Features.Verification;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// Which state register and login end in, for each sign-on policy and member status
/// (docs/wire/state-machine.md#transitions).
/// </summary>
public class StateMachineTests
{
    private const string Password = "correct horse battery";
    private readonly InMemoryStores _stores = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly TokenHasher _tokens = TokenHasher.FromMasterKey(new byte[32]);
    private readonly PasswordHasher _hasher = new(new HashingGate(Options.Create(new HashingOptions())));

    private static Site NewSite(bool approval = false, bool verification = false, bool reveal = false) => new()
    {
        Id = Guid.CreateVersion7(),
        Name = "test",
        RequireOwnerApproval = approval,
        RequireEmailVerification = verification,
        RevealUnknownEmail = reveal,
        HashIterations = 1,
        HashMemoryKiB = 64,
    };

    private AbuseProtection.EmailCodeAllowance Allowance => new(_stores, _tokens, _clock);

    private OutcomeIssuer Outcomes => new(_stores, _stores, _stores, _tokens, new VerificationCodes(_tokens, _stores, Allowance, _clock), _clock);

    private DecoyRegistration Decoys => new(
        _hasher, _stores, _stores, _tokens, _stores, new AbuseProtection.QuietQuota(new CountingThrottle(), _tokens, _clock), Allowance, _clock);

    private AbuseProtection.AbuseGuard Guard => new(
        _stores, new AbuseGuardTests.NoCaptcha(), _tokens, Microsoft.Extensions.Options.Options.Create(new AbuseProtection.ThrottleOptions()), _clock);

    private Task<Errors.Result<AuthOutcome>> Register(Site site, string email = "ann@example.com") =>
        new RegisterMember(_stores, _hasher, new PasswordRules(new NoBreaches()), Outcomes, Decoys, Guard, _clock)
            .HandleAsync(new(site, AbuseProtection.GuardedAction.Register, null, null, []), new RegisterInput(email, Password, null), CancellationToken.None);

    private Task<Errors.Result<AuthOutcome>> LogIn(Site site, string email = "ann@example.com", string password = Password) =>
        new LogInMember(_stores, _hasher, Outcomes, Decoys, Guard, _clock)
            .HandleAsync(new(site, AbuseProtection.GuardedAction.Login, email, null, []), new LoginInput(email, password), CancellationToken.None);

    [Fact]
    public async Task Register_without_policy_flags_succeeds_with_a_session_token_stored_as_a_digest()
    {
        var outcome = (await Register(NewSite())).Value!;

        Assert.Equal(StateType.Success, outcome.State);
        Assert.Equal(MemberStatus.Active, outcome.Member.Status);
        var stored = Assert.Single(_stores.Sessions);
        Assert.Equal(_tokens.Hash(outcome.SessionToken!), stored.TokenHash);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(5), stored.ExpiresAt);
    }

    [Fact]
    public async Task Register_with_verification_required_asks_for_it_with_a_state_token()
    {
        var outcome = (await Register(NewSite(verification: true, approval: true))).Value!;

        Assert.Equal(StateType.RequireEmailVerification, outcome.State);
        Assert.Null(outcome.SessionToken);
        Assert.Equal(MemberStatus.Pending, outcome.Member.Status);
        Assert.Equal(PendingReasons.EmailVerificationRequired | PendingReasons.AdminApprovalRequired, outcome.Member.PendingReasons);
        var flow = Assert.Single(_stores.Flows);
        Assert.Equal(FlowState.RequireEmailVerification, flow.State);
        Assert.Equal(_tokens.Hash(outcome.StateToken!), flow.StateTokenHash);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(15), flow.ExpiresAt);
        Assert.Empty(_stores.Sessions);
    }

    [Fact]
    public async Task Register_with_approval_only_waits_for_the_owner()
    {
        var outcome = (await Register(NewSite(approval: true))).Value!;

        Assert.Equal(StateType.RequireOwnerApproval, outcome.State);
        Assert.NotNull(outcome.StateToken);
        Assert.Equal(PendingReasons.AdminApprovalRequired, outcome.Member.PendingReasons);
    }

    [Fact]
    public async Task Register_twice_with_the_same_normalized_email_is_409()
    {
        var site = NewSite();
        await Register(site, "Ann@Example.com");

        var again = await Register(site, " ann@EXAMPLE.com ");

        Assert.Equal("email_already_exists", again.Error!.Code);
    }

    [Fact]
    public async Task Login_pending_member_gets_the_same_state_as_registration()
    {
        var site = NewSite(approval: true);
        await Register(site);

        Assert.Equal(StateType.RequireOwnerApproval, (await LogIn(site)).Value!.State);
    }

    [Fact]
    public async Task Login_unverified_member_gets_a_fresh_state_token()
    {
        var site = NewSite(verification: true);
        var first = (await Register(site)).Value!;

        var login = (await LogIn(site)).Value!;

        Assert.Equal(StateType.RequireEmailVerification, login.State);
        Assert.NotEqual(first.StateToken, login.StateToken);
        Assert.Equal(2, _stores.Flows.Count);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_are_the_same_error()
    {
        var site = NewSite();
        await Register(site);

        var wrong = await LogIn(site, password: "not the password");
        var unknown = await LogIn(site, email: "nobody@example.com");

        Assert.Equal("invalid_credentials", wrong.Error!.Code);
        Assert.Equal(wrong.Error, unknown.Error);
    }

    [Fact]
    public async Task Reveal_unknown_email_restores_the_Wix_404()
    {
        var site = NewSite(reveal: true);

        Assert.Equal("member_not_found", (await LogIn(site, email: "nobody@example.com")).Error!.Code);
    }

    [Fact]
    public async Task Blocked_is_told_only_after_the_right_password()
    {
        var site = NewSite();
        var member = (await Register(site)).Value!.Member;
        member.Status = MemberStatus.Blocked;

        Assert.Equal("invalid_credentials", (await LogIn(site, password: "not the password")).Error!.Code);
        Assert.Equal("member_blocked", (await LogIn(site)).Error!.Code);
    }

    [Fact]
    public async Task A_forced_reset_answers_19973()
    {
        var site = NewSite();
        var member = (await Register(site)).Value!.Member;
        member.PasswordResetRequired = true;

        Assert.Equal("-19973", (await LogIn(site)).Error!.WireCode);
    }

    [Fact]
    public async Task Login_rehashes_when_the_site_cost_changed()
    {
        var site = NewSite();
        var member = (await Register(site)).Value!.Member;
        var before = member.PasswordHash;
        Assert.Equal(StateType.Success, (await LogIn(site with { HashIterations = 2 })).Value!.State);
        Assert.NotEqual(before, member.PasswordHash);
        Assert.Contains("t=2", member.PasswordHash, StringComparison.Ordinal);
    }

    private sealed class CountingThrottle : Storage.IThrottleStore
    {
        private readonly Dictionary<string, long> _counts = [];

        public Task<long> HitAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            Task.FromResult(_counts[key] = _counts.GetValueOrDefault(key) + 1);

        public Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken) => Task.FromResult(_counts.GetValueOrDefault(key));

        public Task ResetAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_counts.Remove(key));

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);
    }

    private sealed class NoBreaches : IBreachedPasswords
    {
        public bool Contains(string normalizedPassword) => false;
    }
}

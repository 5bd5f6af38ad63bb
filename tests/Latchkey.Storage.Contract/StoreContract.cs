using Latchkey.Core.Clients;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage.Contract;

/// <summary>
/// What every storage provider must do, asserted through the ports only. A provider's test project subclasses this
/// and supplies a fresh, migrated database per test (docs/conventions.md#tests: one contract suite on every database).
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private ServiceProvider? _services;

    /// <summary>Registers <see cref="LatchkeyDbContext"/> on a fresh database.</summary>
    protected abstract void AddDatabase(IServiceCollection services);

    /// <summary>Applies the provider's migrations.</summary>
    protected abstract Task MigrateAsync(LatchkeyDbContext db);

    /// <summary>Creates the provider's database, when it is not created by the first connection (SQLite).</summary>
    protected virtual ValueTask CreateDatabaseAsync() => ValueTask.CompletedTask;

    /// <summary>Drops what <see cref="CreateDatabaseAsync"/> created, after the services are disposed.</summary>
    protected virtual ValueTask DropDatabaseAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        var services = new ServiceCollection();
        AddDatabase(services);
        services.AddLatchkeyStores();
        _services = services.BuildServiceProvider();
        using var scope = _services.CreateScope();
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Each call is a new scope: a new context, as a new request would have.</summary>
    protected T Fresh<T>() where T : notnull => _services!.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<Site> NewSiteAsync()
    {
        var site = new Site { Id = Guid.CreateVersion7(), Name = "contract", CreatedAt = Now };
        await Fresh<ISiteStore>().AddAsync(site, CancellationToken.None);
        return site;
    }

    private static Member NewMember(Site site, string email) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = site.Id,
        Email = email,
        NormalizedEmail = EmailAddress.Normalize(email),
        Status = MemberStatus.Active,
        SecurityStamp = "stamp",
        Revision = 1,
        CreatedAt = Now,
        UpdatedAt = Now,
        Profile = new IdentityProfile { Nickname = "nick", Labels = ["a", "b"] },
    };

    private async Task<(Member Member, byte[] Hash)> NewSessionAsync(Site site, DateTimeOffset expiresAt)
    {
        var member = NewMember(site, $"{Guid.CreateVersion7()}@example.com");
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        var hash = TokenHasher.FromMasterKey(new byte[32]).Hash(SecretGenerator.NewToken());
        await Fresh<ISessionTokenStore>().AddAsync(new SessionToken
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            TokenHash = hash,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = expiresAt,
        }, CancellationToken.None);
        return (member, hash);
    }

    [Fact]
    public async Task Members_round_trip_with_their_profile()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, "Ann@Example.com");
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None));

        var found = await Fresh<IMemberStore>().FindByEmailAsync(site.Id, "ann@example.com", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("Ann@Example.com", found.Email);
        Assert.Equal("nick", found.Profile.Nickname);
        Assert.Equal(["a", "b"], found.Profile.Labels!);
        Assert.Equal(Now, found.CreatedAt);
    }

    [Fact]
    public async Task A_normalized_email_is_unique_per_site_but_not_across_sites()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(NewMember(site, "ann@example.com"), CancellationToken.None));

        Assert.False(await Fresh<IMemberStore>().TryAddAsync(NewMember(site, "ANN@example.com"), CancellationToken.None));
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(NewMember(other, "ann@example.com"), CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_registration_of_one_email_creates_one_member()
    {
        var site = await NewSiteAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Fresh<IMemberStore>().TryAddAsync(NewMember(site, "race@example.com"), CancellationToken.None))));

        Assert.Single(results, added => added);
    }

    [Fact]
    public async Task Updates_persist()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, "ann@example.com");
        var store = Fresh<IMemberStore>();
        await store.TryAddAsync(member, CancellationToken.None);

        member.Profile = member.Profile with { FirstName = "Ann" };
        member.Touch(Now.AddMinutes(1));
        await store.UpdateAsync(member, CancellationToken.None);

        var found = await Fresh<IMemberStore>().FindAsync(site.Id, member.Id, CancellationToken.None);
        Assert.Equal("Ann", found!.Profile.FirstName);
        Assert.Equal(2, found.Revision);
        Assert.Equal(Now.AddMinutes(1), found.UpdatedAt);
    }

    [Fact]
    public async Task A_session_token_is_redeemed_once_and_never_again()
    {
        var site = await NewSiteAsync();
        var (member, hash) = await NewSessionAsync(site, Now.AddMinutes(5));

        var first = await Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now, CancellationToken.None);
        var second = await Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now, CancellationToken.None);

        Assert.Equal(member.Id, first!.MemberId);
        Assert.Equal(Now, first.ConsumedAt);
        Assert.Null(second);
    }

    [Fact]
    public async Task An_expired_session_token_is_never_redeemed()
    {
        var site = await NewSiteAsync();
        var (_, hash) = await NewSessionAsync(site, Now.AddMinutes(5));

        Assert.Null(await Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now.AddMinutes(5), CancellationToken.None));
        Assert.Null(await Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now.AddMinutes(6), CancellationToken.None));
    }

    [Fact]
    public async Task Expired_session_tokens_are_purged_and_live_ones_kept()
    {
        var site = await NewSiteAsync();
        var (_, expired) = await NewSessionAsync(site, Now.AddMinutes(1));
        var (member, live) = await NewSessionAsync(site, Now.AddMinutes(10));

        Assert.True(await Fresh<ISessionTokenStore>().PurgeExpiredAsync(Now.AddMinutes(5), CancellationToken.None) >= 1);

        Assert.Equal(0L, await Fresh<LatchkeyDbContext>().SessionTokens.LongCountAsync(t => t.TokenHash == expired));
        Assert.Equal(member.Id, (await Fresh<ISessionTokenStore>().TryRedeemAsync(live, Now, CancellationToken.None))!.MemberId);
    }

    [Fact]
    public async Task An_unknown_session_token_is_not_redeemed()
    {
        await NewSiteAsync();

        Assert.Null(await Fresh<ISessionTokenStore>().TryRedeemAsync(new byte[32], Now, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_redemptions_of_one_session_token_have_exactly_one_winner()
    {
        var site = await NewSiteAsync();
        var (_, hash) = await NewSessionAsync(site, Now.AddMinutes(5));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now, CancellationToken.None))));

        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Flows_are_found_by_their_state_token_digest_and_by_id()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, "ann@example.com");
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        var hash = TokenHasher.FromMasterKey(new byte[32]).Hash("state");
        await Fresh<IFlowStore>().AddAsync(new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            Kind = FlowKind.Registration,
            State = FlowState.RequireOwnerApproval,
            StateTokenHash = hash,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = Now.AddMinutes(15),
        }, CancellationToken.None);

        var flow = await Fresh<IFlowStore>().FindByStateTokenAsync(hash, CancellationToken.None);

        Assert.Equal(FlowState.RequireOwnerApproval, flow!.State);
        Assert.Null(await Fresh<IFlowStore>().FindByStateTokenAsync(new byte[32], CancellationToken.None));
        Assert.Equal(member.Id, (await Fresh<IFlowStore>().FindByIdAsync(flow.Id, CancellationToken.None))!.MemberId);
        Assert.Null(await Fresh<IFlowStore>().FindByIdAsync(Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task Clients_and_api_keys_round_trip_and_revoked_keys_are_not_found()
    {
        var site = await NewSiteAsync();
        await Fresh<IClientStore>().AddAsync(new SiteClient
        {
            ClientId = "client-1",
            SiteId = site.Id,
            Kind = ClientKind.WixSdk,
            RedirectUris = ["http://localhost:3000/callback"],
            AllowedOrigins = ["http://localhost:3000"],
            CreatedAt = Now,
        }, CancellationToken.None);
        var live = new ApiKey { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "k", KeyHash = [1, 2, 3], Permissions = ApiKeyPermissions.SignOn, CreatedAt = Now };
        var revoked = new ApiKey { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "r", KeyHash = [4, 5, 6], CreatedAt = Now, RevokedAt = Now };
        await Fresh<IClientStore>().AddApiKeyAsync(live, CancellationToken.None);
        await Fresh<IClientStore>().AddApiKeyAsync(revoked, CancellationToken.None);

        var client = await Fresh<IClientStore>().FindAsync("client-1", CancellationToken.None);
        Assert.Equal(["http://localhost:3000/callback"], client!.RedirectUris);
        Assert.Equal(ApiKeyPermissions.SignOn, (await Fresh<IClientStore>().FindApiKeyAsync([1, 2, 3], CancellationToken.None))!.Permissions);
        Assert.Null(await Fresh<IClientStore>().FindApiKeyAsync([4, 5, 6], CancellationToken.None));
    }

    [Fact]
    public async Task Throttle_counters_count_per_window_reset_and_purge()
    {
        var minute = TimeSpan.FromMinutes(1);
        var store = Fresh<Core.Storage.IThrottleStore>();

        Assert.Equal(1, await store.HitAsync("k", Now, Now + minute, CancellationToken.None));
        Assert.Equal(2, await Fresh<Core.Storage.IThrottleStore>().HitAsync("k", Now, Now + minute, CancellationToken.None));
        Assert.Equal(2, await store.CountAsync("k", Now, CancellationToken.None));
        Assert.Equal(0, await store.CountAsync("k", Now + minute, CancellationToken.None)); // a later window has not started
        Assert.Equal(1, await store.HitAsync("k", Now + minute, Now + minute + minute, CancellationToken.None)); // the next window starts over

        await store.ResetAsync("k", CancellationToken.None);
        Assert.Equal(0, await store.CountAsync("k", Now + minute, CancellationToken.None));

        await store.HitAsync("old", Now, Now + minute, CancellationToken.None);
        await store.HitAsync("live", Now + minute, Now + minute + minute, CancellationToken.None);
        Assert.Equal(1, await store.PurgeExpiredAsync(Now + minute + TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(1, await store.CountAsync("live", Now + minute, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_hits_on_one_counter_are_all_counted()
    {
        var minute = TimeSpan.FromMinutes(1);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Fresh<Core.Storage.IThrottleStore>().HitAsync("race", Now, Now + minute, CancellationToken.None)));

        Assert.Equal(20, await Fresh<Core.Storage.IThrottleStore>().CountAsync("race", Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_captcha_solution_is_used_once()
    {
        var replays = Fresh<Core.Storage.ICaptchaReplayStore>();

        Assert.True(await replays.TryUseAsync("digest", Now + TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.False(await Fresh<Core.Storage.ICaptchaReplayStore>().TryUseAsync("digest", Now + TimeSpan.FromMinutes(10), CancellationToken.None));
    }

    private async Task<Member> NewEnrolledMemberAsync()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, $"{Guid.CreateVersion7()}@example.com");
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        await Fresh<IMfaStore>().SaveAsync(new MfaEnrolment { MemberId = member.Id, SiteId = site.Id, Secret = [1, 2, 3], LastUsedStep = 100, CreatedAt = Now }, CancellationToken.None);
        return member;
    }

    [Fact]
    public async Task A_TOTP_step_is_used_once_and_never_after_a_later_one()
    {
        var member = await NewEnrolledMemberAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Fresh<IMfaStore>().TryUseStepAsync(member.Id, 101, CancellationToken.None)));

        Assert.Single(results, won => won);
        Assert.False(await Fresh<IMfaStore>().TryUseStepAsync(member.Id, 100, CancellationToken.None));
        Assert.True(await Fresh<IMfaStore>().TryUseStepAsync(member.Id, 102, CancellationToken.None));
        Assert.Equal(102, (await Fresh<IMfaStore>().FindAsync(member.Id, CancellationToken.None))!.LastUsedStep);
    }

    [Fact]
    public async Task A_recovery_code_is_consumed_once_and_replacing_codes_drops_the_old_ones()
    {
        var member = await NewEnrolledMemberAsync();
        MfaRecoveryCode Code(byte value) => new() { Id = Guid.CreateVersion7(), MemberId = member.Id, CodeHash = [value], KeyVersion = 1, CreatedAt = Now };
        await Fresh<IMfaStore>().ReplaceRecoveryCodesAsync(member.Id, [Code(1), Code(2)], CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Fresh<IMfaStore>().TryConsumeRecoveryCodeAsync(member.Id, [1], Now, CancellationToken.None)));

        Assert.Single(results, won => won);
        Assert.Equal(1, await Fresh<IMfaStore>().CountUnusedRecoveryCodesAsync(member.Id, CancellationToken.None));
        await Fresh<IMfaStore>().ReplaceRecoveryCodesAsync(member.Id, [Code(3)], CancellationToken.None);
        Assert.False(await Fresh<IMfaStore>().TryConsumeRecoveryCodeAsync(member.Id, [2], Now, CancellationToken.None));
        Assert.True(await Fresh<IMfaStore>().TryConsumeRecoveryCodeAsync(member.Id, [3], Now, CancellationToken.None));
        await Fresh<IMfaStore>().DeleteAsync(member.Id, CancellationToken.None);
        Assert.Null(await Fresh<IMfaStore>().FindAsync(member.Id, CancellationToken.None));
    }
    [Fact]
    public async Task Site_email_settings_are_saved_replaced_and_deleted()
    {
        var site = await NewSiteAsync();
        await Fresh<ISiteEmailSettingsStore>().SaveAsync(new SiteEmailSettings { SiteId = site.Id, Host = "smtp.a", Port = 25, Security = SmtpSecurity.None, UserName = "u", SealedPassword = [9], UpdatedAt = Now }, CancellationToken.None);
        await Fresh<ISiteEmailSettingsStore>().SaveAsync(new SiteEmailSettings { SiteId = site.Id, Host = "smtp.b", Port = 465, Security = SmtpSecurity.SslOnConnect, From = "B <b@b.example>", UpdatedAt = Now }, CancellationToken.None);

        var found = await Fresh<ISiteEmailSettingsStore>().FindAsync(site.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(("smtp.b", 465, SmtpSecurity.SslOnConnect, "B <b@b.example>"), (found.Host, found.Port, found.Security, found.From));
        Assert.Null(found.SealedPassword);
        await Fresh<ISiteEmailSettingsStore>().DeleteAsync(site.Id, CancellationToken.None);
        Assert.Null(await Fresh<ISiteEmailSettingsStore>().FindAsync(site.Id, CancellationToken.None));
    }
    [Fact]
    public async Task Concurrent_claims_give_each_email_to_exactly_one_dispatcher()
    {
        var site = await NewSiteAsync();
        for (var i = 0; i < 10; i++)
        {
            await Fresh<IOutboxStore>().AddAsync(new OutboxEmail
            {
                Id = Guid.CreateVersion7(),
                SiteId = site.Id,
                To = $"m{i}@example.com",
                Subject = "code",
                SealedText = [1, 2, 3],
                CreatedAt = Now,
                NextAttemptAt = Now,
                LockedUntil = Now,
            }, CancellationToken.None);
        }

        // Eight "nodes" poll at once, as dispatchers on several servers would.
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Fresh<IOutboxStore>().ClaimDueAsync(Now, TimeSpan.FromMinutes(1), 10, CancellationToken.None))));

        var claimed = claims.SelectMany(c => c).Select(e => e.Id).ToList();
        Assert.Equal(10, claimed.Count);
        Assert.Equal(10, claimed.Distinct().Count());
        Assert.Empty(await Fresh<IOutboxStore>().ClaimDueAsync(Now, TimeSpan.FromMinutes(1), 10, CancellationToken.None));
    }
}

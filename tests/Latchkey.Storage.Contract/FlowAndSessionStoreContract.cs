using Latchkey.Core.Clients;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Contract;

/// <summary>The flow, member-session, site, client and outbox methods the other contract files do not reach.</summary>
public abstract partial class StoreContract
{
    private async Task<Flow> NewFlowAsync(Site site, Member member, FlowKind kind, DateTimeOffset createdAt, string stateToken = "state")
    {
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            Kind = kind,
            State = FlowState.RequireEmailVerification,
            StateTokenHash = TokenHasher.FromMasterKey(new byte[32]).Hash(stateToken),
            KeyVersion = 1,
            CodeHash = [9, 9, 9],
            CreatedAt = createdAt,
            ExpiresAt = createdAt.AddMinutes(15),
        };
        await Fresh<IFlowStore>().AddAsync(flow, CancellationToken.None);
        return flow;
    }

    private async Task<Member> NewStoredMemberAsync(Site site, string email)
    {
        var member = NewMember(site, email);
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        return member;
    }

    [Fact]
    public async Task The_latest_flow_of_a_kind_is_the_members_newest_of_that_kind()
    {
        var site = await NewSiteAsync();
        var ann = await NewStoredMemberAsync(site, "ann@example.com");
        var bob = await NewStoredMemberAsync(site, "bob@example.com");
        await NewFlowAsync(site, ann, FlowKind.Recovery, Now, "a1");
        var newest = await NewFlowAsync(site, ann, FlowKind.Recovery, Now.AddMinutes(1), "a2");
        await NewFlowAsync(site, ann, FlowKind.Registration, Now.AddMinutes(2), "a3");
        await NewFlowAsync(site, bob, FlowKind.Recovery, Now.AddMinutes(3), "b1");

        Assert.Equal(newest.Id, (await Fresh<IFlowStore>().FindLatestAsync(ann.Id, FlowKind.Recovery, CancellationToken.None))!.Id);
        Assert.Null(await Fresh<IFlowStore>().FindLatestAsync(bob.Id, FlowKind.Registration, CancellationToken.None));
    }

    [Fact]
    public async Task A_flow_update_wins_only_on_the_state_token_it_read()
    {
        var site = await NewSiteAsync();
        var flow = await NewFlowAsync(site, await NewStoredMemberAsync(site, "ann@example.com"), FlowKind.Registration, Now);
        var read = flow.StateTokenHash;
        flow.StateTokenHash = TokenHasher.FromMasterKey(new byte[32]).Hash("next");
        flow.State = FlowState.Succeeded;
        flow.Attempts = 2;
        flow.CodeHash = null;

        Assert.True(await Fresh<IFlowStore>().TryUpdateAsync(flow, read, CancellationToken.None));
        Assert.False(await Fresh<IFlowStore>().TryUpdateAsync(flow, read, CancellationToken.None));

        var saved = await Fresh<IFlowStore>().FindByIdAsync(flow.Id, CancellationToken.None);
        Assert.Equal((FlowState.Succeeded, 2, (byte[]?)null), (saved!.State, saved.Attempts, saved.CodeHash));
        Assert.Equal(flow.StateTokenHash, saved.StateTokenHash);
    }

    [Fact]
    public async Task Concurrent_code_attempts_take_no_more_than_the_limit_and_a_spent_flow_ends()
    {
        var site = await NewSiteAsync();
        var flow = await NewFlowAsync(site, await NewStoredMemberAsync(site, "ann@example.com"), FlowKind.Registration, Now);

        var taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            Fresh<IFlowStore>().TryTakeAttemptAsync(flow.Id, flow.StateTokenHash, Flow.MaxCodeAttempts, CancellationToken.None))));

        Assert.Equal(Flow.MaxCodeAttempts, taken.Count(t => t));
        Assert.False(await Fresh<IFlowStore>().TryTakeAttemptAsync(flow.Id, new byte[32], Flow.MaxCodeAttempts, CancellationToken.None));
        await Fresh<IFlowStore>().EndExhaustedAsync(flow.Id, Flow.MaxCodeAttempts, CancellationToken.None);
        var ended = await Fresh<IFlowStore>().FindByIdAsync(flow.Id, CancellationToken.None);
        Assert.Equal((FlowState.Failed, Flow.MaxCodeAttempts, (byte[]?)null), (ended!.State, ended.Attempts, ended.CodeHash));
    }

    [Fact]
    public async Task A_flow_with_attempts_left_is_not_ended_as_exhausted()
    {
        var site = await NewSiteAsync();
        var flow = await NewFlowAsync(site, await NewStoredMemberAsync(site, "ann@example.com"), FlowKind.Registration, Now);
        Assert.True(await Fresh<IFlowStore>().TryTakeAttemptAsync(flow.Id, flow.StateTokenHash, Flow.MaxCodeAttempts, CancellationToken.None));

        await Fresh<IFlowStore>().EndExhaustedAsync(flow.Id, Flow.MaxCodeAttempts, CancellationToken.None);

        var kept = await Fresh<IFlowStore>().FindByIdAsync(flow.Id, CancellationToken.None);
        Assert.Equal((FlowState.RequireEmailVerification, 1), (kept!.State, kept.Attempts));
        Assert.NotNull(kept.CodeHash);
    }

    private async Task<MemberSession> NewMemberSessionAsync(Site site, Member member, byte[]? cookieHash = null)
    {
        var session = new MemberSession
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            CookieHash = cookieHash,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(1),
        };
        await Fresh<IMemberSessionStore>().AddAsync(session, CancellationToken.None);
        return session;
    }

    [Fact]
    public async Task A_browser_session_is_found_by_its_cookie_digest_only()
    {
        var site = await NewSiteAsync();
        var member = await NewStoredMemberAsync(site, "ann@example.com");
        var session = await NewMemberSessionAsync(site, member, cookieHash: [7, 7, 7]);
        await NewMemberSessionAsync(site, member);

        Assert.Equal(session.Id, (await Fresh<IMemberSessionStore>().FindByCookieAsync([7, 7, 7], CancellationToken.None))!.Id);
        Assert.Null(await Fresh<IMemberSessionStore>().FindByCookieAsync([7, 7, 8], CancellationToken.None));
    }

    [Fact]
    public async Task A_live_session_slides_and_a_revoked_or_expired_one_does_not()
    {
        var site = await NewSiteAsync();
        var member = await NewStoredMemberAsync(site, "ann@example.com");
        var live = await NewMemberSessionAsync(site, member);
        var revoked = await NewMemberSessionAsync(site, member);
        await Fresh<IMemberSessionStore>().RevokeAsync(revoked.Id, Now, CancellationToken.None);
        var slid = Now.AddDays(90);

        Assert.True(await Fresh<IMemberSessionStore>().TouchAsync(live.Id, Now, slid, CancellationToken.None));
        Assert.False(await Fresh<IMemberSessionStore>().TouchAsync(revoked.Id, Now, slid, CancellationToken.None));
        Assert.False(await Fresh<IMemberSessionStore>().TouchAsync(live.Id, slid, slid.AddDays(1), CancellationToken.None));

        Assert.Equal(slid, (await Fresh<IMemberSessionStore>().FindAsync(live.Id, CancellationToken.None))!.ExpiresAt);
        Assert.Equal(Now, (await Fresh<IMemberSessionStore>().FindAsync(revoked.Id, CancellationToken.None))!.RevokedAt);
    }

    [Fact]
    public async Task Revoking_all_of_a_members_sessions_keeps_the_one_asked_for_and_other_members_sessions()
    {
        var site = await NewSiteAsync();
        var ann = await NewStoredMemberAsync(site, "ann@example.com");
        var bob = await NewStoredMemberAsync(site, "bob@example.com");
        var kept = await NewMemberSessionAsync(site, ann);
        var ended = await NewMemberSessionAsync(site, ann);
        var already = await NewMemberSessionAsync(site, ann);
        await Fresh<IMemberSessionStore>().RevokeAsync(already.Id, Now.AddMinutes(-1), CancellationToken.None);
        var bobs = await NewMemberSessionAsync(site, bob);

        Assert.Equal(1, await Fresh<IMemberSessionStore>().RevokeAllAsync(ann.Id, kept.Id, Now, CancellationToken.None));
        Assert.Equal(1, await Fresh<IMemberSessionStore>().RevokeAllAsync(ann.Id, null, Now, CancellationToken.None));

        Assert.Equal(Now, (await Fresh<IMemberSessionStore>().FindAsync(ended.Id, CancellationToken.None))!.RevokedAt);
        Assert.Equal(Now, (await Fresh<IMemberSessionStore>().FindAsync(kept.Id, CancellationToken.None))!.RevokedAt);
        Assert.Equal(Now.AddMinutes(-1), (await Fresh<IMemberSessionStore>().FindAsync(already.Id, CancellationToken.None))!.RevokedAt);
        Assert.Null((await Fresh<IMemberSessionStore>().FindAsync(bobs.Id, CancellationToken.None))!.RevokedAt);
    }

    [Fact]
    public async Task Whether_any_site_exists_is_known_before_and_after_the_first()
    {
        Assert.False(await Fresh<ISiteStore>().AnyAsync(CancellationToken.None));
        await NewSiteAsync();
        Assert.True(await Fresh<ISiteStore>().AnyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_sites_clients_are_listed_without_another_sites()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        foreach (var (id, owner) in new[] { ("a", site), ("b", site), ("c", other) })
        {
            await Fresh<IClientStore>().AddAsync(new SiteClient
            {
                ClientId = id,
                SiteId = owner.Id,
                Kind = ClientKind.WixSdk,
                RedirectUris = [],
                AllowedOrigins = [],
                CreatedAt = Now,
            }, CancellationToken.None);
        }

        var listed = await Fresh<IClientStore>().FindBySiteAsync(site.Id, CancellationToken.None);

        Assert.Equal(["a", "b"], listed.Select(c => c.ClientId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_send_is_retried_when_due_with_its_attempt_and_error_kept()
    {
        var site = await NewSiteAsync();
        var email = new OutboxEmail
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            To = "ann@example.com",
            Subject = "code",
            SealedText = [1, 2, 3],
            CreatedAt = Now,
            NextAttemptAt = Now,
            LockedUntil = Now,
        };
        await Fresh<IOutboxStore>().AddAsync(email, CancellationToken.None);
        Assert.Single(await Fresh<IOutboxStore>().ClaimDueAsync(Now, TimeSpan.FromMinutes(1), 10, CancellationToken.None));

        await Fresh<IOutboxStore>().MarkFailedAsync(email.Id, 1, Now.AddMinutes(5), new string('x', 2000), CancellationToken.None);

        Assert.Empty(await Fresh<IOutboxStore>().ClaimDueAsync(Now.AddMinutes(4), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        var retried = Assert.Single(await Fresh<IOutboxStore>().ClaimDueAsync(Now.AddMinutes(5), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        Assert.Equal(1, retried.Attempts);
        var stored = await Fresh<LatchkeyDbContext>().Outbox.AsNoTracking().SingleAsync(e => e.Id == email.Id);
        Assert.Equal(1000, stored.LastError!.Length);
        Assert.Null(stored.SentAt);
    }
}

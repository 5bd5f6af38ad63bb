using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;

namespace Latchkey.Storage.Contract;

/// <summary>The admin ports (issue #9): the audit log and the listing, revoking and deleting the admin surface needs.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Audit_events_are_filtered_per_site_and_paged_newest_first()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        for (var i = 0; i < 5; i++)
        {
            await Fresh<IAuditLog>().AddAsync(new AuditEvent
            {
                SiteId = site.Id,
                OccurredAt = Now.AddMinutes(i),
                Actor = i % 2 == 0 ? "cli" : "api-key:k",
                Action = i < 3 ? AuditActions.MemberBlocked : AuditActions.MemberApproved,
                TargetType = "member",
                TargetId = $"m{i}",
                Details = $$"""{"n":{{i}}}""",
            }, CancellationToken.None);
        }

        await Fresh<IAuditLog>().AddAsync(new AuditEvent
        {
            SiteId = other.Id,
            OccurredAt = Now,
            Actor = "cli",
            Action = AuditActions.MemberBlocked,
            TargetType = "member",
            TargetId = "x",
        }, CancellationToken.None);

        await Fresh<IAuditLog>().AddAsync(new AuditEvent
        {
            SiteId = null,
            OccurredAt = Now.AddHours(1),
            Actor = "cli",
            Action = AuditActions.SigningKeyRotated,
            TargetType = "signing_key",
            TargetId = "kid",
        }, CancellationToken.None);

        var log = Fresh<IAuditLog>();
        Assert.Equal("kid", (await log.QueryAsync(other.Id, new AuditQuery(PageSize: 1), CancellationToken.None))[0].TargetId);
        var first = await log.QueryAsync(site.Id, new AuditQuery(TargetType: "member", PageSize: 2), CancellationToken.None);
        Assert.Equal(["m4", "m3"], first.Select(e => e.TargetId));
        var second = await log.QueryAsync(site.Id, new AuditQuery(TargetType: "member", PageSize: 2, Before: first[^1].Id), CancellationToken.None);
        Assert.Equal(["m2", "m1"], second.Select(e => e.TargetId));
        Assert.Equal("""{"n":2}""", second[0].Details);
        Assert.Equal(Now.AddMinutes(2), second[0].OccurredAt);

        Assert.Equal(["m2", "m1", "m0"], (await log.QueryAsync(site.Id, new AuditQuery(Action: AuditActions.MemberBlocked), CancellationToken.None)).Select(e => e.TargetId));
        Assert.Equal(["m4", "m2", "m0"], (await log.QueryAsync(site.Id, new AuditQuery(Actor: "cli", TargetType: "member"), CancellationToken.None)).Select(e => e.TargetId));
        Assert.Equal(["m3"], (await log.QueryAsync(site.Id, new AuditQuery(TargetType: "member", TargetId: "m3"), CancellationToken.None)).Select(e => e.TargetId));
        Assert.Equal(["m2", "m1"], (await log.QueryAsync(site.Id, new AuditQuery(From: Now.AddMinutes(1), To: Now.AddMinutes(3)), CancellationToken.None)).Select(e => e.TargetId));
        Assert.Equal(["kid", "x"], (await log.QueryAsync(other.Id, new AuditQuery(), CancellationToken.None)).Select(e => e.TargetId));
    }

    [Fact]
    public async Task Members_are_listed_by_id_searched_by_email_and_filtered_by_status()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        var emails = new[] { "ann@example.com", "bob@example.com", "ANNA@other.org", "carl@example.com" };
        foreach (var email in emails)
        {
            var member = NewMember(site, email);
            member.Status = email.StartsWith("carl", StringComparison.Ordinal) ? MemberStatus.Blocked : MemberStatus.Active;
            await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        }

        await Fresh<IMemberStore>().TryAddAsync(NewMember(other, "ann@example.com"), CancellationToken.None);

        var admin = Fresh<IAdminStore>();
        var all = await admin.ListMembersAsync(site.Id, new MemberQuery(), CancellationToken.None);
        Assert.Equal(4, all.Count);
        var page1 = await admin.ListMembersAsync(site.Id, new MemberQuery(PageSize: 3), CancellationToken.None);
        var page2 = await admin.ListMembersAsync(site.Id, new MemberQuery(PageSize: 3, After: page1[^1].Id), CancellationToken.None);
        Assert.Equal(all.Select(m => m.Id), page1.Concat(page2).Select(m => m.Id));

        var ann = await admin.ListMembersAsync(site.Id, new MemberQuery(Search: "Ann"), CancellationToken.None);
        Assert.Equal(["ann@example.com", "anna@other.org"], ann.Select(m => m.NormalizedEmail).Order());
        var blocked = await admin.ListMembersAsync(site.Id, new MemberQuery(Status: MemberStatus.Blocked), CancellationToken.None);
        Assert.Equal("carl@example.com", Assert.Single(blocked).NormalizedEmail);
    }

    [Fact]
    public async Task Deleting_a_member_removes_their_sessions_and_only_on_their_site()
    {
        var site = await NewSiteAsync();
        var (member, _) = await NewSessionAsync(site, Now.AddMinutes(5));
        var sessionId = Guid.CreateVersion7();
        await Fresh<IMemberSessionStore>().AddAsync(new MemberSession
        {
            Id = sessionId,
            SiteId = site.Id,
            MemberId = member.Id,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(1),
        }, CancellationToken.None);
        Assert.Single(await Fresh<IAdminStore>().ListSessionsAsync(site.Id, member.Id, CancellationToken.None));

        Assert.False(await Fresh<IAdminStore>().DeleteMemberAsync(Guid.CreateVersion7(), member.Id, CancellationToken.None));
        Assert.True(await Fresh<IAdminStore>().DeleteMemberAsync(site.Id, member.Id, CancellationToken.None));
        Assert.False(await Fresh<IAdminStore>().DeleteMemberAsync(site.Id, member.Id, CancellationToken.None));

        Assert.Null(await Fresh<IMemberStore>().FindAsync(site.Id, member.Id, CancellationToken.None));
        Assert.Null(await Fresh<IMemberSessionStore>().FindAsync(sessionId, CancellationToken.None));
    }

    [Fact]
    public async Task A_session_is_read_with_its_member_in_one_call()
    {
        var site = await NewSiteAsync();
        var (member, _) = await NewSessionAsync(site, Now.AddMinutes(5));
        var session = new MemberSession
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(1),
        };
        await Fresh<IMemberSessionStore>().AddAsync(session, CancellationToken.None);

        var found = await Fresh<IMemberSessionStore>().FindWithMemberAsync(session.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal((session.Id, site.Id, Now.AddDays(1)), (found.Session.Id, found.Session.SiteId, found.Session.ExpiresAt));
        Assert.Equal((member.Id, member.Email, member.Status), (found.Member.Id, found.Member.Email, found.Member.Status));
        Assert.Null(await Fresh<IMemberSessionStore>().FindWithMemberAsync(Guid.CreateVersion7(), CancellationToken.None));
        Assert.True(await Fresh<IAdminStore>().DeleteMemberAsync(site.Id, member.Id, CancellationToken.None));
        Assert.Null(await Fresh<IMemberSessionStore>().FindWithMemberAsync(session.Id, CancellationToken.None));
    }

    [Fact]
    public async Task An_api_key_is_revoked_once_and_listed_with_its_revocation()
    {
        var site = await NewSiteAsync();
        var key = new ApiKey { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "k", KeyHash = [9, 9, 9], Permissions = ApiKeyPermissions.Admin, CreatedAt = Now };
        await Fresh<IClientStore>().AddApiKeyAsync(key, CancellationToken.None);

        Assert.False(await Fresh<IAdminStore>().RevokeApiKeyAsync(Guid.CreateVersion7(), key.Id, Now, CancellationToken.None));
        Assert.True(await Fresh<IAdminStore>().RevokeApiKeyAsync(site.Id, key.Id, Now, CancellationToken.None));
        Assert.False(await Fresh<IAdminStore>().RevokeApiKeyAsync(site.Id, key.Id, Now, CancellationToken.None));

        Assert.Null(await Fresh<IClientStore>().FindApiKeyAsync([9, 9, 9], CancellationToken.None));
        Assert.Equal(Now, Assert.Single(await Fresh<IAdminStore>().ListApiKeysAsync(site.Id, CancellationToken.None)).RevokedAt);
    }

    [Fact]
    public async Task A_client_allow_list_update_persists_and_sites_are_listed()
    {
        var site = await NewSiteAsync();
        await Fresh<IClientStore>().AddAsync(new SiteClient
        {
            ClientId = "client-u",
            SiteId = site.Id,
            Kind = ClientKind.Standard,
            RedirectUris = ["http://a.example/cb"],
            AllowedOrigins = [],
            CreatedAt = Now,
        }, CancellationToken.None);

        var client = (await Fresh<IClientStore>().FindAsync("client-u", CancellationToken.None))!;
        await Fresh<IClientStore>().UpdateAsync(client with
        {
            RedirectUris = ["https://b.example/cb", "https://c.example/cb"],
            AllowedOrigins = ["https://b.example"],
        }, CancellationToken.None);

        var stored = (await Fresh<IClientStore>().FindAsync("client-u", CancellationToken.None))!;
        Assert.Equal(["https://b.example/cb", "https://c.example/cb"], stored.RedirectUris);
        Assert.Equal(["https://b.example"], stored.AllowedOrigins);
        Assert.Contains(await Fresh<IAdminStore>().ListSitesAsync(CancellationToken.None), s => s.Id == site.Id);
    }

    [Fact]
    public async Task Every_client_of_every_site_is_listed_with_its_allow_lists()
    {
        var first = await NewSiteAsync();
        var second = await NewSiteAsync();
        foreach (var (id, site, origin) in new[] { ("list-a", first, "https://a.example"), ("list-b", second, "https://b.example") })
        {
            await Fresh<IClientStore>().AddAsync(new SiteClient
            {
                ClientId = id,
                SiteId = site.Id,
                Kind = ClientKind.WixSdk,
                RedirectUris = [origin + "/callback"],
                AllowedOrigins = [origin],
                CreatedAt = Now,
            }, CancellationToken.None);
        }

        var all = await Fresh<IClientStore>().ListAllAsync(CancellationToken.None);
        var a = Assert.Single(all, c => c.ClientId == "list-a");
        var b = Assert.Single(all, c => c.ClientId == "list-b");
        Assert.Equal(first.Id, a.SiteId);
        Assert.Equal(["https://a.example"], a.AllowedOrigins);
        Assert.Equal(second.Id, b.SiteId);
        Assert.Equal(["https://b.example/callback"], b.RedirectUris);
    }
}

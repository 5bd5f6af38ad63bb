using Latchkey.Core.Members;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Storage.Contract;

/// <summary>
/// The Members API's store (issue #24): the query language translated to SQL gives the same members in the same
/// order on every database, visibility and sites are kept apart, and slugs are unique per site. Expected orders are
/// by creation time, or by text on which every collation agrees: the sort order of text is the database's.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly MemberSort[] ByCreation = [new(MemberSortField.CreatedDate, Descending: false)];

    // Created a minute apart, in this order.
    private static readonly (string Email, string? Nickname, MemberStatus Status, string? Privacy)[] DirectoryRows =
    [
        ("ann@example.com", "Ann", MemberStatus.Active, "PUBLIC"),
        ("anna@example.org", "annabel", MemberStatus.Active, "PRIVATE"),
        ("a_b@example.com", "Zed", MemberStatus.Pending, "PUBLIC"),
        ("axb@example.com", null, MemberStatus.Blocked, null),
        ("bob@example.com", "Bob", MemberStatus.Active, "PUBLIC"),
        ("zoë@example.com", "Ann", MemberStatus.Active, "PUBLIC"),
    ];

    private async Task<(Site Site, Dictionary<string, Member> Members)> DirectorySiteAsync()
    {
        var site = await NewSiteAsync();
        var members = new Dictionary<string, Member>();
        for (var i = 0; i < DirectoryRows.Length; i++)
        {
            var (email, nickname, status, privacy) = DirectoryRows[i];
            var member = new Member
            {
                Id = Guid.CreateVersion7(),
                SiteId = site.Id,
                Email = email,
                NormalizedEmail = EmailAddress.Normalize(email),
                Status = status,
                SecurityStamp = "stamp",
                Revision = 1,
                CreatedAt = Now.AddMinutes(i),
                UpdatedAt = Now.AddMinutes(i),
                Profile = new IdentityProfile { Nickname = nickname, PrivacyStatus = privacy },
            };
            Assert.True(await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None));
            members[email] = member;
        }

        // Another site's members never appear.
        var other = await NewSiteAsync();
        var stranger = NewMember(other, "ann@example.com");
        stranger.Profile = new IdentityProfile { Nickname = "Ann", PrivacyStatus = "PUBLIC" };
        await Fresh<IMemberStore>().TryAddAsync(stranger, CancellationToken.None);
        return (site, members);
    }

    private async Task<string[]> EmailsAsync(Site site, MemberFilter? filter, IReadOnlyList<MemberSort>? sort = null, bool publicOnly = false) =>
        [.. (await Fresh<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(filter, sort ?? ByCreation, 0, 50, publicOnly), CancellationToken.None))
            .Members.Select(m => m.NormalizedEmail)];

    private static TextCondition Email(FilterOperator op, params string[] values) => new(MemberTextField.LoginEmail, op, values);

    private static TextCondition Nick(FilterOperator op, params string?[] values) => new(MemberTextField.Nickname, op, values);

    [Fact]
    public async Task Members_are_filtered_by_login_email()
    {
        var (site, _) = await DirectorySiteAsync();

        Assert.Equal(["ann@example.com"], await EmailsAsync(site, Email(FilterOperator.Eq, "ann@example.com")));
        Assert.Equal(["anna@example.org", "a_b@example.com", "axb@example.com", "bob@example.com", "zoë@example.com"],
            await EmailsAsync(site, Email(FilterOperator.Ne, "ann@example.com")));
        Assert.Equal(["ann@example.com", "bob@example.com"], await EmailsAsync(site, Email(FilterOperator.In, "bob@example.com", "ann@example.com", "nobody@example.com")));
        Assert.Equal(["ann@example.com", "anna@example.org"], await EmailsAsync(site, Email(FilterOperator.StartsWith, "ann")));
        // LIKE's wildcards are plain characters in a prefix.
        Assert.Equal(["a_b@example.com"], await EmailsAsync(site, Email(FilterOperator.StartsWith, "a_")));
        Assert.Empty(await EmailsAsync(site, Email(FilterOperator.StartsWith, "a%")));
        Assert.Equal(["zoë@example.com"], await EmailsAsync(site, Email(FilterOperator.StartsWith, "zoë")));
        Assert.Empty(await EmailsAsync(site, Email(FilterOperator.StartsWith, "zoe")));
        Assert.Equal(6, (await EmailsAsync(site, Email(FilterOperator.StartsWith, ""))).Length);
    }

    [Fact]
    public async Task Members_are_filtered_by_status_creation_time_and_nickname()
    {
        var (site, _) = await DirectorySiteAsync();

        Assert.Equal(["a_b@example.com"], await EmailsAsync(site, new StatusCondition(FilterOperator.Eq, [MemberStatus.Pending])));
        Assert.Equal(["a_b@example.com", "axb@example.com"], await EmailsAsync(site, new StatusCondition(FilterOperator.In, [MemberStatus.Blocked, MemberStatus.Pending])));
        Assert.Equal(["ann@example.com", "anna@example.org", "axb@example.com", "bob@example.com", "zoë@example.com"],
            await EmailsAsync(site, new StatusCondition(FilterOperator.Ne, [MemberStatus.Pending])));

        Assert.Equal(["bob@example.com", "zoë@example.com"], await EmailsAsync(site, new CreatedCondition(FilterOperator.Gt, [Now.AddMinutes(3)])));
        Assert.Equal(["axb@example.com", "bob@example.com", "zoë@example.com"], await EmailsAsync(site, new CreatedCondition(FilterOperator.Gte, [Now.AddMinutes(3)])));
        Assert.Equal(["ann@example.com"], await EmailsAsync(site, new CreatedCondition(FilterOperator.Lt, [Now.AddMinutes(1)])));
        Assert.Equal(["ann@example.com", "anna@example.org"], await EmailsAsync(site, new CreatedCondition(FilterOperator.Lte, [Now.AddMinutes(1)])));
        Assert.Equal(["bob@example.com"], await EmailsAsync(site, new CreatedCondition(FilterOperator.Eq, [Now.AddMinutes(4)])));
        Assert.Equal(["ann@example.com", "anna@example.org", "a_b@example.com", "bob@example.com", "zoë@example.com"],
            await EmailsAsync(site, new CreatedCondition(FilterOperator.Ne, [Now.AddMinutes(3)])));

        // Exact, case and all: "Ann" is not a prefix of "annabel".
        Assert.Equal(["ann@example.com", "zoë@example.com"], await EmailsAsync(site, Nick(FilterOperator.Eq, "Ann")));
        Assert.Equal(["ann@example.com", "zoë@example.com"], await EmailsAsync(site, Nick(FilterOperator.StartsWith, "An")));
        Assert.Equal(["anna@example.org"], await EmailsAsync(site, Nick(FilterOperator.StartsWith, "ann")));
        Assert.Equal(["axb@example.com"], await EmailsAsync(site, Nick(FilterOperator.Eq, [null])));
        Assert.Equal(["anna@example.org", "a_b@example.com", "axb@example.com", "bob@example.com"], await EmailsAsync(site, Nick(FilterOperator.Ne, "Ann")));
        Assert.Equal(["a_b@example.com", "axb@example.com"], await EmailsAsync(site, Nick(FilterOperator.In, "Zed", null)));
    }

    [Fact]
    public async Task Creation_times_compare_at_the_wires_millisecond()
    {
        var site = await NewSiteAsync();
        var member = new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Email = "ann@example.com",
            NormalizedEmail = "ann@example.com",
            SecurityStamp = "stamp",
            CreatedAt = Now.AddTicks(4_567),
            UpdatedAt = Now,
        };
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);

        // The wire shows Now (milliseconds): that time finds the member with $eq, $gte, $lte, never with $gt or $lt.
        foreach (var op in new[] { FilterOperator.Eq, FilterOperator.Gte, FilterOperator.Lte, FilterOperator.In })
        {
            Assert.Single(await EmailsAsync(site, new CreatedCondition(op, [Now])));
        }

        foreach (var op in new[] { FilterOperator.Gt, FilterOperator.Lt, FilterOperator.Ne })
        {
            Assert.Empty(await EmailsAsync(site, new CreatedCondition(op, [Now])));
        }

        Assert.Single(await EmailsAsync(site, new CreatedCondition(FilterOperator.In, [Now.AddMinutes(-1), Now.AddTicks(9_999)])));
    }

    [Fact]
    public async Task Filters_combine_with_and_or_and_not()
    {
        var (site, _) = await DirectorySiteAsync();
        var active = new StatusCondition(FilterOperator.Eq, [MemberStatus.Active]);

        Assert.Equal(["ann@example.com", "anna@example.org"], await EmailsAsync(site, new AllOf([active, Email(FilterOperator.StartsWith, "an")])));
        Assert.Equal(["ann@example.com", "a_b@example.com", "zoë@example.com"],
            await EmailsAsync(site, new AnyOf([Nick(FilterOperator.Eq, "Ann"), new StatusCondition(FilterOperator.Eq, [MemberStatus.Pending])])));
        Assert.Equal(["a_b@example.com", "axb@example.com"], await EmailsAsync(site, new NotOf(active)));
        Assert.Equal(["bob@example.com"], await EmailsAsync(site, new AllOf([active, new NotOf(new AnyOf([Email(FilterOperator.StartsWith, "an"), Nick(FilterOperator.Eq, "Ann")]))])));
    }

    [Fact]
    public async Task Members_are_sorted_with_the_id_breaking_ties_and_paged_by_offset_with_the_total()
    {
        var (site, members) = await DirectorySiteAsync();

        Assert.Equal(["zoë@example.com", "bob@example.com", "axb@example.com", "a_b@example.com", "anna@example.org", "ann@example.com"],
            await EmailsAsync(site, null, [new MemberSort(MemberSortField.CreatedDate, Descending: true)]));
        // No sort: by creation, as the Members API lists by default.
        Assert.Equal(DirectoryRows.Select(r => r.Email), await EmailsAsync(site, null, []));
        var named = Nick(FilterOperator.In, "Ann", "Bob", "Zed");
        var anns = new[] { members["ann@example.com"], members["zoë@example.com"] }.OrderBy(m => m.Id).Select(m => m.NormalizedEmail).ToArray();
        var ascending = await EmailsAsync(site, named, [new MemberSort(MemberSortField.Nickname, Descending: false)]);
        Assert.Equal([.. anns, "bob@example.com", "a_b@example.com"], ascending);
        var descending = await EmailsAsync(site, named, [new MemberSort(MemberSortField.Nickname, Descending: true)]);
        Assert.Equal(["a_b@example.com", "bob@example.com", .. anns], descending);
        Assert.Equal(["zoë@example.com", "bob@example.com", "ann@example.com"],
            await EmailsAsync(site, Email(FilterOperator.In, "ann@example.com", "bob@example.com", "zoë@example.com"), [new MemberSort(MemberSortField.LoginEmail, Descending: true)]));

        var page = await Fresh<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(null, ByCreation, 2, 3, false), CancellationToken.None);
        Assert.Equal(6, page.Total);
        Assert.Equal(["a_b@example.com", "axb@example.com", "bob@example.com"], page.Members.Select(m => m.NormalizedEmail));
        var past = await Fresh<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(null, ByCreation, 10, 3, false), CancellationToken.None);
        Assert.Equal((0, 6), (past.Members.Count, past.Total));
        var filtered = await Fresh<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(Email(FilterOperator.StartsWith, "a"), ByCreation, 0, 1, false), CancellationToken.None);
        Assert.Equal((1, 4), (filtered.Members.Count, filtered.Total));
    }

    [Fact]
    public async Task Only_active_public_members_are_listed_to_the_public()
    {
        var (site, _) = await DirectorySiteAsync();

        Assert.Equal(["ann@example.com", "bob@example.com", "zoë@example.com"], await EmailsAsync(site, null, publicOnly: true));
        Assert.Equal(["ann@example.com", "zoë@example.com"], await EmailsAsync(site, Nick(FilterOperator.Eq, "Ann"), publicOnly: true));
        var page = await Fresh<IMemberDirectory>().QueryAsync(site.Id, new MemberListQuery(null, ByCreation, 0, 1, PublicOnly: true), CancellationToken.None);
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task A_slug_is_unique_per_site_and_a_profile_asking_for_a_taken_one_gets_a_variant()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        var first = NewMember(site, "ann@example.com");
        first.Profile = new IdentityProfile { Slug = "Ann Smith" };
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(first, CancellationToken.None));
        var second = NewMember(site, "ann2@example.com");
        second.Profile = new IdentityProfile { Slug = "ann-smith" };
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(second, CancellationToken.None));
        var elsewhere = NewMember(other, "ann@example.com");
        elsewhere.Profile = new IdentityProfile { Slug = "ann-smith" };
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(elsewhere, CancellationToken.None));

        Assert.Equal("ann-smith", (await Fresh<IMemberStore>().FindAsync(site.Id, first.Id, CancellationToken.None))!.Slug);
        var varied = await Fresh<IMemberStore>().FindAsync(site.Id, second.Id, CancellationToken.None);
        Assert.Equal(("ann-smith-2", "ann-smith-2"), (varied!.Slug, varied.Profile.Slug));
        Assert.Equal("ann-smith", (await Fresh<IMemberStore>().FindAsync(other.Id, elsewhere.Id, CancellationToken.None))!.Slug);
        Assert.Equal(first.Id, (await Fresh<IMemberDirectory>().FindBySlugAsync(site.Id, "ann-smith", CancellationToken.None))!.Id);

        // A profile update (Sign On's merge) that asks for a taken slug also gets a variant.
        var store = Fresh<IMemberStore>();
        var third = NewMember(site, "ann3@example.com");
        await store.TryAddAsync(third, CancellationToken.None);
        third.Profile = third.Profile with { Slug = "ann-smith" };
        await store.UpdateAsync(third, CancellationToken.None);
        Assert.Equal("ann-smith-3", (await Fresh<IMemberStore>().FindAsync(site.Id, third.Id, CancellationToken.None))!.Slug);

        // The Members API's slug call never picks another: taken is refused, and nothing is saved.
        Assert.False(await Fresh<IMemberDirectory>().TrySaveSlugAsync(await ChangedSlugAsync(site, third.Id, "ann-smith"), CancellationToken.None));
        Assert.Equal("ann-smith-3", (await Fresh<IMemberStore>().FindAsync(site.Id, third.Id, CancellationToken.None))!.Slug);
        Assert.True(await Fresh<IMemberDirectory>().TrySaveSlugAsync(await ChangedSlugAsync(site, third.Id, "annie"), CancellationToken.None));
        Assert.Equal("annie", (await Fresh<IMemberStore>().FindAsync(site.Id, third.Id, CancellationToken.None))!.Profile.Slug);
    }

    /// <summary>The member read and changed in one scope, as the Members API's step does, for the directory of another.</summary>
    private async Task<Member> ChangedSlugAsync(Site site, Guid memberId, string slug)
    {
        var member = (await Fresh<IMemberStore>().FindAsync(site.Id, memberId, CancellationToken.None))!;
        member.Profile = member.Profile with { Slug = slug };
        return member;
    }

    [Fact]
    public async Task A_sign_in_is_recorded_without_a_new_revision()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, "ann@example.com");
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);

        await Fresh<IMemberStore>().RecordSignInAsync(member.Id, Now.AddHours(1), CancellationToken.None);

        var found = await Fresh<IMemberStore>().FindAsync(site.Id, member.Id, CancellationToken.None);
        Assert.Equal((Now.AddHours(1), 1L), (found!.LastLoginAt, found.Revision));
    }

    [Fact]
    public async Task The_profile_privacy_status_nickname_and_slug_are_the_columns_the_directory_reads()
    {
        var site = await NewSiteAsync();
        var member = NewMember(site, "ann@example.com");
        member.Profile = new IdentityProfile { Nickname = "Ann", PrivacyStatus = "public", Slug = "  Ann  " };
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);

        var found = await Fresh<IMemberStore>().FindAsync(site.Id, member.Id, CancellationToken.None);

        Assert.Equal((MemberPrivacy.Public, "Ann", "ann"), (found!.Privacy, found.Nickname, found.Slug));
        Assert.Equal(("PUBLIC", "ann"), (found.Profile.PrivacyStatus, found.Profile.Slug));
    }
}

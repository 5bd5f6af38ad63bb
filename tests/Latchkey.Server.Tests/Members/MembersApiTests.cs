using System.Net;
using System.Net.Http.Json;
using System.Text;
using Latchkey.Testing;
using static Latchkey.Server.Tests.Members.SignedIn;

namespace Latchkey.Server.Tests.Members;

/// <summary>The Members API (issue #24, docs/wire/members.md) as the Wix SDK's members module calls it.</summary>
public class MembersApiTests
{
    private static readonly string[] Full = ["FULL"];
    private static readonly string[] Phones = ["+1 555 0100"];
    private static readonly string[] WorkEmail = ["ann.work@example.com"];
    private static readonly string[] BobAndCarl = ["bob@example.com", "carl@example.com"];
    private static readonly string[] Approved = ["APPROVED"];
    private static readonly string[] NotAnEmail = ["not an email"];

    [Fact]
    public async Task The_current_member_comes_in_the_public_fieldset_by_default_and_whole_when_asked()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "Ann@Example.com", new { firstName = "Ann", lastName = "Smith", nickname = "annie", company = "Acme", position = "CTO", phones = Phones });

        var standard = (await (await ann.Client.GetAsync($"{Route}/my")).JsonAsync()).GetProperty("member");
        var full = (await (await ann.Client.GetAsync($"/_api{Route}/my?fieldsets=FULL")).JsonAsync()).GetProperty("member");

        Assert.Equal(ann.Id, standard.GetProperty("id").GetString());
        Assert.Equal(ann.Id, standard.GetProperty("contactId").GetString());
        Assert.Equal("annie", standard.GetProperty("profile").GetProperty("nickname").GetString());
        Assert.Equal(("UNKNOWN", "UNKNOWN", "UNKNOWN"), (standard.GetProperty("status").GetString(), standard.GetProperty("privacyStatus").GetString(), standard.GetProperty("activityStatus").GetString()));
        Assert.False(standard.TryGetProperty("loginEmail", out _));
        Assert.False(standard.TryGetProperty("contact", out _));
        Assert.EndsWith("Z", standard.GetProperty("createdDate").GetString(), StringComparison.Ordinal);

        Assert.Equal(("Ann@Example.com", false), (full.GetProperty("loginEmail").GetString(), full.GetProperty("loginEmailVerified").GetBoolean()));
        Assert.Equal(("APPROVED", "UNKNOWN", "ACTIVE"), (full.GetProperty("status").GetString(), full.GetProperty("privacyStatus").GetString(), full.GetProperty("activityStatus").GetString()));
        var contact = full.GetProperty("contact");
        Assert.Equal(("Ann", "Smith", "Acme", "CTO"), (contact.GetProperty("firstName").GetString(), contact.GetProperty("lastName").GetString(),
            contact.GetProperty("company").GetString(), contact.GetProperty("jobTitle").GetString()));
        Assert.Equal(["+1 555 0100"], contact.GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, contact.GetProperty("emails").GetArrayLength());
        // The sign-in that opened this session.
        Assert.True(full.TryGetProperty("lastLoginDate", out var lastLogin) && lastLogin.GetString()!.EndsWith('Z'));
    }

    [Fact]
    public async Task A_member_updates_its_own_record_and_the_identity_shows_the_same_profile()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com", new { firstName = "Ann", nickname = "annie" });

        var response = await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new
        {
            member = new
            {
                id = ann.Id,
                loginEmail = "ANN@example.com",
                status = "UNKNOWN",
                privacyStatus = "PUBLIC",
                contact = new
                {
                    lastName = "Smith",
                    birthdate = "1990-02-03",
                    jobTitle = "Engineer",
                    emails = WorkEmail,
                    addresses = new[] { new { streetAddress = new { number = "1", name = "Main St" }, city = "Springfield", country = "US" } },
                },
                profile = new { nickname = "Ann S.", title = "Moderator", photo = new { url = "https://cdn.example/ann.png" }, cover = new { url = "https://cdn.example/c.png", offsetY = 10 } },
            },
        });
        var updated = (await response.JsonAsync()).GetProperty("member");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Ann", "Smith", "1990-02-03", "Engineer"), (updated.GetProperty("contact").GetProperty("firstName").GetString(),
            updated.GetProperty("contact").GetProperty("lastName").GetString(), updated.GetProperty("contact").GetProperty("birthdate").GetString(),
            updated.GetProperty("contact").GetProperty("jobTitle").GetString()));
        var address = updated.GetProperty("contact").GetProperty("addresses")[0];
        Assert.Equal(("1", "Main St", "Springfield"), (address.GetProperty("streetAddress").GetProperty("number").GetString(),
            address.GetProperty("streetAddress").GetProperty("name").GetString(), address.GetProperty("city").GetString()));
        var profile = updated.GetProperty("profile");
        Assert.Equal(("Ann S.", "Moderator", "https://cdn.example/ann.png", 10), (profile.GetProperty("nickname").GetString(), profile.GetProperty("title").GetString(),
            profile.GetProperty("photo").GetProperty("url").GetString(), profile.GetProperty("cover").GetProperty("offsetY").GetInt32()));
        Assert.Equal("PUBLIC", updated.GetProperty("privacyStatus").GetString());

        // The Authentication API reads the same record.
        using var visitor = await app.VisitorClientAsync();
        var identity = (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("identityProfile");
        Assert.Equal(("Ann", "Smith", "Ann S.", "https://cdn.example/ann.png", "Engineer", "PUBLIC"), (identity.GetProperty("firstName").GetString(),
            identity.GetProperty("lastName").GetString(), identity.GetProperty("nickname").GetString(), identity.GetProperty("picture").GetString(),
            identity.GetProperty("position").GetString(), identity.GetProperty("privacyStatus").GetString()));
        Assert.Equal("Springfield", identity.GetProperty("addresses")[0].GetProperty("address").GetProperty("city").GetString());
        Assert.False(identity.TryGetProperty("title", out _));

        // Empty text clears a field; what the patch leaves out stays.
        var cleared = (await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { contact = new { lastName = "" } } })).JsonAsync()).GetProperty("member");
        Assert.False(cleared.GetProperty("contact").TryGetProperty("lastName", out _));
        Assert.Equal("Ann", cleared.GetProperty("contact").GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task An_admin_key_reads_and_changes_any_member_of_its_site()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var admin = app.ApiKeyClient();

        var full = (await (await admin.GetAsync($"{Route}/{ann.Id}?fieldsets=FULL")).JsonAsync()).GetProperty("member");
        var patched = await admin.PatchAsJsonAsync($"/_api{Route}/{ann.Id}", new { member = new { profile = new { nickname = "renamed" } } });

        Assert.Equal("ann@example.com", full.GetProperty("loginEmail").GetString());
        Assert.Equal("renamed", (await patched.JsonAsync()).GetProperty("member").GetProperty("profile").GetProperty("nickname").GetString());
        var extended = (await (await admin.GetAsync($"{Route}/{ann.Id}?fieldsets=EXTENDED")).JsonAsync()).GetProperty("member");
        Assert.Equal("ann@example.com", extended.GetProperty("loginEmail").GetString());
        Assert.False(extended.TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task Members_are_listed_with_paging_metadata_and_the_sdks_packed_parameters()
    {
        using var app = new LatchkeyApp();
        foreach (var name in new[] { "ann", "bob", "carl", "dora" })
        {
            using var member = await RegisterAsync(app, $"{name}@example.com", new { nickname = name, privacyStatus = "PUBLIC" });
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        using var admin = app.ApiKeyClient();
        var plain = await (await admin.GetAsync($"{Route}?paging.limit=2&paging.offset=1&fieldsets=EXTENDED")).JsonAsync();
        Assert.Equal(["bob@example.com", "carl@example.com"], plain.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("loginEmail").GetString()));
        var metadata = plain.GetProperty("metadata");
        Assert.Equal((2, 1, 4, false), (metadata.GetProperty("count").GetInt32(), metadata.GetProperty("offset").GetInt32(), metadata.GetProperty("total").GetInt32(),
            metadata.GetProperty("tooManyToCount").GetBoolean()));

        // What toURLSearchParams(…, true) sends for a request with sorting: one .r of base64url JSON, unpadded.
        var packed = Base64Url("""{"paging":{"limit":3},"fieldsets":["PUBLIC"],"sorting":[{"fieldName":"profile.nickname","order":"DESC"}]}""");
        var sorted = await (await admin.GetAsync($"{Route}?.r={packed}")).JsonAsync();
        Assert.Equal(["dora", "carl", "bob"], sorted.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("profile").GetProperty("nickname").GetString()));
        Assert.False(sorted.GetProperty("members")[0].TryGetProperty("loginEmail", out _));

        // Visitors see the public members, in the public fieldset.
        using var visitor = await app.VisitorClientAsync();
        Assert.Equal(4, (await (await visitor.GetAsync(Route)).JsonAsync()).GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Members_are_queried_by_filter_sort_and_offset()
    {
        using var app = new LatchkeyApp();
        var created = new List<string>();
        foreach (var (name, privacy) in new[] { ("ann", "PUBLIC"), ("anna", "PRIVATE"), ("bob", "PUBLIC"), ("carl", "PUBLIC") })
        {
            using var member = await RegisterAsync(app, $"{name}@example.com", new { nickname = name.ToUpperInvariant(), privacyStatus = privacy });
            created.Add(app.Clock.GetUtcNow().ToString("O"));
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        using var admin = app.ApiKeyClient();
        async Task<string[]> EmailsAsync(object query)
        {
            var response = await admin.PostAsJsonAsync($"{Route}/query", new { query, fieldsets = Full });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. (await response.JsonAsync()).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("loginEmail").GetString()!)];
        }

        Assert.Equal(["ann@example.com", "anna@example.com"], await EmailsAsync(new { filter = Filter("loginEmail", "$startsWith", "ANN") }));
        Assert.Equal(["bob@example.com"], await EmailsAsync(new { filter = new { loginEmail = "Bob@Example.com" } }));
        Assert.Equal(["carl@example.com", "bob@example.com"], await EmailsAsync(new
        {
            filter = Filter("loginEmail", "$in", BobAndCarl),
            sort = new[] { new { fieldName = "createdDate", order = "DESC" } },
        }));
        Assert.Equal(["bob@example.com", "carl@example.com"], await EmailsAsync(new { filter = Filter("createdDate", "$gt", created[1]) }));
        Assert.Equal(["ann@example.com"], await EmailsAsync(new { filter = Filter("createdDate", "$lt", created[1]) }));
        Assert.Equal(["anna@example.com", "bob@example.com"], await EmailsAsync(new
        {
            filter = new Dictionary<string, object>
            {
                ["$or"] = new object[] { Filter("profile.nickname", "$eq", "ANNA"), Filter("profile.nickname", "$startsWith", "BO") },
            },
        }));
        Assert.Equal(["anna@example.com", "bob@example.com", "carl@example.com"], await EmailsAsync(new
        {
            filter = new Dictionary<string, object> { ["$and"] = new object[] { Filter("status", "$eq", "APPROVED"), Filter("loginEmail", "$ne", "ann@example.com") } },
        }));
        Assert.Equal(["bob@example.com"], await EmailsAsync(new { filter = Filter("status", "$in", Approved), paging = new { limit = 1, offset = 2 } }));

        // A member queries the public members only, and by public fields only.
        using var bob = await RegisterAsync(app, "zed@example.com");
        var response = await bob.Client.PostAsJsonAsync($"{Route}/query", new { query = new { filter = Filter("profile.nickname", "$startsWith", "ANN") } });
        var found = await response.JsonAsync();
        Assert.Equal(["ANN"], found.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("profile").GetProperty("nickname").GetString()));
        Assert.Equal(1, found.GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("""{"query":{"filter":{"contact.firstName":"Ann"}}}""", "query.filter.contact.firstName")]
    [InlineData("""{"query":{"filter":{"loginEmail":{"$contains":"a"}}}}""", "$contains")]
    [InlineData("""{"query":{"filter":{"createdDate":{"$startsWith":"2026"}}}}""", "createdDate takes")]
    [InlineData("""{"query":{"filter":{"loginEmail":42}}}""", "takes a string")]
    [InlineData("""{"query":{"filter":{"status":"ACTIVE"}}}""", "APPROVED, PENDING or BLOCKED")]
    [InlineData("""{"query":{"filter":{"createdDate":{"$gt":"yesterday"}}}}""", "ISO 8601")]
    [InlineData("""{"query":{"filter":{"loginEmail":{"$in":"a@example.com"}}}}""", "array")]
    [InlineData("""{"query":{"filter":{"$nor":[]}}}""", "logical operator")]
    [InlineData("""{"query":{"filter":[]}}""", "a filter is an object")]
    [InlineData("""{"query":{"sort":[{"fieldName":"contact.lastName"}]}}""", "sort by")]
    [InlineData("""{"query":{"sort":[{"fieldName":"createdDate","order":"UP"}]}}""", "ASC or DESC")]
    [InlineData("""{"query":{"paging":{"limit":0}}}""", "query.paging.limit")]
    [InlineData("""{"query":{"paging":{"limit":101}}}""", "query.paging.limit")]
    [InlineData("""{"query":{"paging":{"offset":-1}}}""", "query.paging.offset")]
    [InlineData("""{"query":{"paging":{"limit":"many"}}}""", "query.paging.limit")]
    [InlineData("""{"query":{"paging":{"limit":2.5}}}""", "query.paging.limit")]
    [InlineData("""{"query":{"cursorPaging":{"limit":10}}}""", "offset")]
    [InlineData("""{"query":"all"}""", "must be an object")]
    [InlineData("""{"search":{"expression":"ann"}}""", "search")]
    public async Task A_query_latchkey_cannot_run_is_a_clear_400(string body, string hint)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var error = await (await admin.PostAsync($"{Route}/query", new StringContent(body, Encoding.UTF8, "application/json")))
            .AssertWixErrorAsync(400, "query_invalid");

        Assert.Contains(hint, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?.r=%%%", "query_invalid")]
    [InlineData("?.r=bm90IGpzb24", "query_invalid")]
    [InlineData("?paging.limit=1000", "query_invalid")]
    [InlineData("?paging.offset=x", "query_invalid")]
    [InlineData("?fieldsets=EVERYTHING", "validation_failed")]
    [InlineData("?fieldsets=PUBLIC&fieldsets=FULL&fieldsets=FULL&fieldsets=FULL", "validation_failed")]
    public async Task Bad_list_parameters_are_a_clear_400(string query, string code)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        await (await admin.GetAsync(Route + query)).AssertWixErrorAsync(400, code);
    }

    [Fact]
    public async Task Bad_update_input_is_a_clear_400_and_an_unknown_id_a_404()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var admin = app.ApiKeyClient();

        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { contact = new { birthdate = "03/02/1990" } } })).AssertWixErrorAsync(400, "validation_failed");
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { contact = new { emails = NotAnEmail } } })).AssertWixErrorAsync(400, "validation_failed");
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { privacyStatus = "SECRET" } })).AssertWixErrorAsync(400, "validation_failed");
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { id = Guid.CreateVersion7() } })).AssertWixErrorAsync(400, "validation_failed");
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { profile = new { photo = "https://x" } } })).AssertWixErrorAsync(400, "validation_failed");
        await (await ann.Client.PatchAsync($"{Route}/{ann.Id}", new StringContent("""{"member":{"contact":{"phones":"555"}}}""", Encoding.UTF8, "application/json")))
            .AssertWixErrorAsync(400, "malformed_body");
        await (await admin.GetAsync($"{Route}/{Guid.CreateVersion7()}")).AssertWixErrorAsync(404, "member_id_not_found");
        await (await admin.GetAsync($"{Route}/not-an-id")).AssertWixErrorAsync(404, "member_id_not_found");
        await (await admin.PatchAsJsonAsync($"{Route}/{Guid.CreateVersion7()}", new { member = new { } })).AssertWixErrorAsync(404, "member_id_not_found");
    }

    [Fact]
    public async Task The_slug_is_unique_per_site_and_shown_by_both_apis()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com", new { slug = "Ann Smith" });
        using var bob = await RegisterAsync(app, "bob@example.com", new { slug = "ann-smith" });

        // Registration's slug is made a slug, and made unique.
        Assert.Equal("ann-smith", (await (await ann.Client.GetAsync($"{Route}/my")).JsonAsync()).GetProperty("member").GetProperty("profile").GetProperty("slug").GetString());
        Assert.Equal("ann-smith-2", (await (await bob.Client.GetAsync($"{Route}/my")).JsonAsync()).GetProperty("member").GetProperty("profile").GetProperty("slug").GetString());

        await (await bob.Client.PostAsJsonAsync($"{Route}/my/slug", new { slug = "Ann-Smith" })).AssertWixErrorAsync(409, "slug_already_exists");
        await (await bob.Client.PostAsJsonAsync($"{Route}/my/slug", new { slug = "bob/../admin" })).AssertWixErrorAsync(400, "validation_failed");
        await (await bob.Client.PostAsJsonAsync($"{Route}/my/slug", new { slug = "-bob" })).AssertWixErrorAsync(400, "validation_failed");
        var changed = await (await bob.Client.PostAsJsonAsync($"/_api{Route}/my/slug", new { slug = "Bob.Builder" })).JsonAsync();
        Assert.Equal("bob.builder", changed.GetProperty("member").GetProperty("profile").GetProperty("slug").GetString());
        // Its own slug again is no conflict.
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.PostAsJsonAsync($"{Route}/my/slug", new { slug = "bob.builder" })).StatusCode);

        using var visitor = await app.VisitorClientAsync();
        var identity = (await (await visitor.LoginAsync("bob@example.com")).JsonAsync()).GetProperty("identity").GetProperty("identityProfile");
        Assert.Equal("bob.builder", identity.GetProperty("slug").GetString());
        await (await app.ApiKeyClient().PostAsJsonAsync($"{Route}/my/slug", new { slug = "x" })).AssertWixErrorAsync(401, "member_token_required");
    }

    [Fact]
    public async Task Deleting_my_member_ends_every_credential_is_audited_and_frees_the_email()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        var second = await app.MemberTokensAsync(await app.LoginSessionTokenAsync("ann@example.com"));

        var deleted = await ann.Client.DeleteAsync($"{Route}/my");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("{}", await deleted.Content.ReadAsStringAsync());
        await (await ann.Client.GetAsync($"{Route}/my")).AssertWixErrorAsync(401, "unauthenticated");
        using var anonymous = app.CreateClient();
        await (await anonymous.RefreshAsJsonAsync(app.Bootstrap.ClientId, ann.Tokens.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        await (await anonymous.RefreshAsJsonAsync(app.Bootstrap.ClientId, second.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        using var visitor = await app.VisitorClientAsync();
        await (await visitor.LoginAsync("ann@example.com")).AssertWixErrorAsync(401, "invalid_credentials");
        Assert.Equal(0L, app.Count("member_sessions"));

        var events = await (await app.ApiKeyClient().GetAsync("/admin/v1/audit-events?action=member.deleted")).JsonAsync();
        var audited = Assert.Single(events.GetProperty("items").EnumerateArray());
        Assert.Equal(($"member:{ann.Id}", ann.Id), (audited.GetProperty("actor").GetString(), audited.GetProperty("targetId").GetString()));

        Assert.Equal("SUCCESS", (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_admin_deletes_a_member_of_its_site_audited_under_the_key()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var admin = app.ApiKeyClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/_api{Route}/{ann.Id}")).StatusCode);

        await (await ann.Client.GetAsync($"{Route}/my")).AssertWixErrorAsync(401, "unauthenticated");
        await (await admin.GetAsync($"{Route}/{ann.Id}")).AssertWixErrorAsync(404, "member_id_not_found");
        await (await admin.DeleteAsync($"{Route}/{ann.Id}")).AssertWixErrorAsync(404, "member_id_not_found");
        var audited = Assert.Single((await (await admin.GetAsync("/admin/v1/audit-events?action=member.deleted")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.StartsWith("api-key:", audited.GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Filter(string field, string op, object value) =>
        new() { [field] = new Dictionary<string, object> { [op] = value } };

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;
using static Latchkey.Server.Tests.Members.SignedIn;

namespace Latchkey.Server.Tests.Members;

/// <summary>
/// The Members API seen by someone it must refuse (issue #24, docs/wire/members.md#who-sees-what): another member's
/// private record or its email, another site's admin key, a visitor listing emails. Written before the endpoints.
/// </summary>
public class MembersAttackTests
{
    private static readonly object Public = new { nickname = "Bob", privacyStatus = "PUBLIC" };
    private static readonly string[] Full = ["FULL"];

    [Fact]
    public async Task A_member_cannot_read_another_members_private_record()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var bob = await RegisterAsync(app, "bob@example.com", new { nickname = "Bob", privacyStatus = "PRIVATE" });
        using var carl = await RegisterAsync(app, "carl@example.com", new { nickname = "Carl" });

        // Private and never-chosen are alike: the record does not exist for another member.
        await (await ann.Client.GetAsync($"{Route}/{bob.Id}?fieldsets=FULL")).AssertWixErrorAsync(404, "member_id_not_found");
        await (await ann.Client.GetAsync($"{Route}/{carl.Id}")).AssertWixErrorAsync(404, "member_id_not_found");
        var listed = await (await ann.Client.GetAsync(Route)).JsonAsync();
        Assert.Equal(0, listed.GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Another_members_public_record_comes_in_the_public_fieldset_only_whatever_is_asked()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var bob = await RegisterAsync(app, "bob@example.com", new { nickname = "Bob", firstName = "Robert", privacyStatus = "PUBLIC" });

        var member = (await (await ann.Client.GetAsync($"{Route}/{bob.Id}?fieldsets=FULL&fieldsets=EXTENDED")).JsonAsync()).GetProperty("member");

        Assert.Equal("Bob", member.GetProperty("profile").GetProperty("nickname").GetString());
        Assert.False(member.TryGetProperty("loginEmail", out _));
        Assert.False(member.TryGetProperty("contact", out _));
        Assert.False(member.TryGetProperty("lastLoginDate", out _));
        Assert.Equal("UNKNOWN", member.GetProperty("status").GetString());
        Assert.DoesNotContain("bob@example.com", member.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("Robert", member.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_cannot_change_or_delete_another_member()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");
        using var bob = await RegisterAsync(app, "bob@example.com", Public);

        await (await ann.Client.PatchAsJsonAsync($"{Route}/{bob.Id}", new { member = new { profile = new { nickname = "pwned" } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        // Unknown or not: the same answer, so the refusal reveals nothing.
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{Guid.CreateVersion7()}", new { member = new { profile = new { nickname = "x" } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        await (await ann.Client.DeleteAsync($"{Route}/{bob.Id}")).AssertWixErrorAsync(403, "permission_denied");

        var still = (await (await app.ApiKeyClient().GetAsync($"{Route}/{bob.Id}?fieldsets=FULL")).JsonAsync()).GetProperty("member");
        Assert.Equal("Bob", still.GetProperty("profile").GetProperty("nickname").GetString());
        Assert.Equal(200, (int)(await bob.Client.GetAsync($"{Route}/my")).StatusCode);
    }

    [Fact]
    public async Task A_member_cannot_change_its_own_login_email_status_or_slug_through_update()
    {
        using var app = new LatchkeyApp();
        using var ann = await RegisterAsync(app, "ann@example.com");

        var email = await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { loginEmail = "mallory@example.com" } }))
            .AssertWixErrorAsync(400, "validation_failed");
        Assert.Equal("member.loginEmail", Violation(email).GetProperty("field").GetString());
        var status = await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { status = "BLOCKED" } }))
            .AssertWixErrorAsync(400, "validation_failed");
        Assert.Equal("member.status", Violation(status).GetProperty("field").GetString());
        await (await ann.Client.PatchAsJsonAsync($"{Route}/{ann.Id}", new { member = new { profile = new { slug = "admin" } } }))
            .AssertWixErrorAsync(400, "validation_failed");

        var me = (await (await ann.Client.GetAsync($"{Route}/my?fieldsets=FULL")).JsonAsync()).GetProperty("member");
        Assert.Equal(("ann@example.com", "APPROVED"), (me.GetProperty("loginEmail").GetString(), me.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Another_sites_admin_key_sees_and_changes_no_member_of_this_site()
    {
        using var app = new LatchkeyApp();
        using var bob = await RegisterAsync(app, "bob@example.com", Public);
        using var other = await OtherSiteAdminAsync(app);

        await (await other.GetAsync($"{Route}/{bob.Id}?fieldsets=FULL")).AssertWixErrorAsync(404, "member_id_not_found");
        await (await other.PatchAsJsonAsync($"{Route}/{bob.Id}", new { member = new { profile = new { nickname = "pwned" } } }))
            .AssertWixErrorAsync(404, "member_id_not_found");
        await (await other.DeleteAsync($"{Route}/{bob.Id}")).AssertWixErrorAsync(404, "member_id_not_found");
        var listed = await (await other.PostAsJsonAsync($"{Route}/query", new { query = new { filter = new { loginEmail = "bob@example.com" } }, fieldsets = Full })).JsonAsync();
        Assert.Equal(0, listed.GetProperty("metadata").GetProperty("total").GetInt32());

        Assert.Equal(200, (int)(await bob.Client.GetAsync($"{Route}/my")).StatusCode);
    }

    [Fact]
    public async Task A_visitor_sees_no_emails_and_cannot_ask_about_them()
    {
        using var app = new LatchkeyApp();
        using var bob = await RegisterAsync(app, "bob@example.com", Public);
        using var visitor = await app.VisitorClientAsync();

        var listed = await (await visitor.GetAsync($"{Route}?fieldsets=FULL")).JsonAsync();
        var member = Assert.Single(listed.GetProperty("members").EnumerateArray());
        Assert.Equal(bob.Id, member.GetProperty("id").GetString());
        Assert.DoesNotContain("@example.com", listed.GetRawText(), StringComparison.Ordinal);

        // Filtering or sorting on a field the PUBLIC fieldset hides would reveal it one question at a time.
        await (await visitor.PostAsJsonAsync($"{Route}/query", new { query = new { filter = new { loginEmail = new { startsWith = "b" } } } }))
            .AssertWixErrorAsync(400, "query_invalid");
        await (await visitor.PostAsJsonAsync($"{Route}/query", new { query = new { filter = new Dictionary<string, object> { ["loginEmail"] = new Dictionary<string, string> { ["$startsWith"] = "b" } } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        await (await visitor.PostAsJsonAsync($"{Route}/query", new { query = new { sort = new[] { new { fieldName = "loginEmail", order = "ASC" } } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        await (await visitor.PostAsJsonAsync($"{Route}/query", new { query = new { filter = new { status = "BLOCKED" } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        await (await visitor.GetAsync($"{Route}/my")).AssertWixErrorAsync(401, "member_token_required");
        await (await visitor.DeleteAsync($"{Route}/{bob.Id}")).AssertWixErrorAsync(403, "permission_denied");
    }

    [Fact]
    public async Task An_api_key_without_the_admin_permission_sees_what_a_visitor_sees()
    {
        using var app = new LatchkeyApp();
        using var bob = await RegisterAsync(app, "bob@example.com", Public);
        using var signOn = await SignOnKeyAsync(app);

        var member = (await (await signOn.GetAsync($"{Route}/{bob.Id}?fieldsets=FULL")).JsonAsync()).GetProperty("member");

        Assert.False(member.TryGetProperty("loginEmail", out _));
        await (await signOn.PostAsJsonAsync($"{Route}/query", new { query = new { filter = new { loginEmail = "bob@example.com" } } }))
            .AssertWixErrorAsync(403, "permission_denied");
        await (await signOn.DeleteAsync($"{Route}/{bob.Id}")).AssertWixErrorAsync(403, "permission_denied");
    }

    private static JsonElement Violation(JsonElement error) =>
        error.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0];
}

using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.MemberApproval;

public class MemberApprovalTests
{
    private const string Policy = "/iam/signon/v1/sign-on-policies";

    [Fact]
    public async Task The_sign_on_policy_reads_and_patches_with_an_admin_key()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var initial = await (await admin.GetAsync(Policy)).JsonAsync();
        var patched = await (await admin.PatchAsJsonAsync(Policy, new { signOnPolicy = new { requireOwnerApproval = true } })).JsonAsync();

        Assert.False(initial.GetProperty("signOnPolicy").GetProperty("requireOwnerApproval").GetBoolean());
        Assert.True(patched.GetProperty("signOnPolicy").GetProperty("requireOwnerApproval").GetBoolean());
        Assert.False(patched.GetProperty("signOnPolicy").GetProperty("requireEmailVerification").GetBoolean());
        Assert.True((await (await admin.GetAsync("/_api" + Policy)).JsonAsync()).GetProperty("signOnPolicy").GetProperty("requireOwnerApproval").GetBoolean());
    }

    [Fact]
    public async Task A_visitor_token_cannot_read_or_change_the_policy()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();

        await (await visitor.GetAsync(Policy)).AssertWixErrorAsync(403, "permission_denied");
        await (await visitor.PatchAsJsonAsync(Policy, new { signOnPolicy = new { requireOwnerApproval = true } })).AssertWixErrorAsync(403, "permission_denied");
    }

    [Fact]
    public async Task A_pending_member_waits_for_approval_then_logs_in()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var visitor = await app.VisitorClientAsync();
        await admin.PatchAsJsonAsync(Policy, new { signOnPolicy = new { requireOwnerApproval = true } });

        var registered = await (await visitor.RegisterAsync("ann@example.com")).JsonAsync();
        Assert.Equal("REQUIRE_OWNER_APPROVAL", registered.GetProperty("state").GetString());
        Assert.Equal("REQUIRE_OWNER_APPROVAL", (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());

        var id = registered.GetProperty("identity").GetProperty("id").GetString();
        var approved = await (await admin.PostAsync($"/members/v1/members/{id}/approve", null)).JsonAsync();

        Assert.Equal("APPROVED", approved.GetProperty("member").GetProperty("status").GetString());
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Blocking_ends_every_session_at_once_and_approving_unblocks()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var visitor = await app.VisitorClientAsync();
        var id = (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString();
        var tokens = await (await admin.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorized_client",
            ["member_id"] = id!,
            ["scope"] = "offline_access",
        }))).JsonAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString();

        Assert.Equal("BLOCKED", (await (await admin.PostAsync($"/_api/members/v1/members/{id}/block", null)).JsonAsync()).GetProperty("member").GetProperty("status").GetString());

        using var anonymous = app.CreateClient();
        var refreshed = await anonymous.PostAsJsonAsync("/oauth2/token", new { clientId = app.Bootstrap.ClientId, grantType = "refresh_token", refreshToken = refresh });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Equal("invalid_grant", (await refreshed.JsonAsync()).GetProperty("error").GetString());
        await (await visitor.LoginAsync("ann@example.com")).AssertWixErrorAsync(403, "member_blocked");

        await admin.PostAsync($"/members/v1/members/{id}/approve", null);
        Assert.Equal("SUCCESS", (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("01a2205e-1c79-7405-ad14-c9ea31651834")]
    [InlineData("not-a-guid")]
    public async Task An_unknown_member_is_404(string id)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        await (await admin.PostAsync($"/members/v1/members/{id}/approve", null)).AssertWixErrorAsync(404, "member_id_not_found");
    }
}

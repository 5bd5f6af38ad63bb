using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Core.Clients;
using Latchkey.Server.Admin;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Admin;

/// <summary>The admin REST API (issue #9): one site per API key, problems for errors, every change in the audit log.</summary>
public class AdminApiTests
{
    private static readonly string[] SignOn = ["sign-on"];
    private static readonly string[] AdminPaths = ["/admin/v1/members", "/admin/v1/audit-events", "/admin/v1/api-keys", "/admin/v1/clients", "/admin/v1/sites", "/admin/v1/signing-keys"];
    private static readonly string[] AdminOnly = ["admin"];
    private static readonly string[] ServerAdmin = ["server-admin"];
    private static readonly string[] Unknown = ["superuser"];
    private static readonly string[] Emails = ["ann@example.com", "bob@example.com", "anna@other.org"];
    private static readonly string[] Callback = ["https://app.example/cb"];
    private static readonly string[] Callback2 = ["https://app.example/cb2"];
    private static readonly string[] Origin = ["https://app.example/"];

    [Fact]
    public async Task A_key_without_the_admin_permission_is_refused_everywhere()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var created = await (await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = "backend", permissions = SignOn })).JsonAsync();
        using var signOnOnly = app.CreateClient();
        signOnOnly.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", created.GetProperty("key").GetString());

        foreach (var path in AdminPaths)
        {
            await AssertProblemAsync(await signOnOnly.GetAsync(path), 403, "permission_denied");
        }

        await AssertProblemAsync(await signOnOnly.PostAsJsonAsync("/admin/v1/api-keys", new { name = "x", permissions = AdminOnly }), 403, "permission_denied");
        using var visitor = await app.VisitorClientAsync();
        await AssertProblemAsync(await visitor.GetAsync("/admin/v1/members"), 403, "permission_denied");
        using var anonymous = app.CreateClient();
        await AssertProblemAsync(await anonymous.GetAsync("/admin/v1/members"), 401, "unauthenticated");
    }

    [Fact]
    public async Task Api_keys_are_shown_once_listed_without_secrets_and_revoked_for_good()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var response = await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = "ops", permissions = AdminOnly });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("apiKey").GetProperty("id").GetString();
        Assert.StartsWith("lk_", key, StringComparison.Ordinal);
        Assert.Equal("admin", created.GetProperty("apiKey").GetProperty("permissions").GetString());

        var listed = await (await admin.GetAsync("/admin/v1/api-keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.Contains("bootstrap admin key", listed, StringComparison.Ordinal);

        using var ops = app.CreateClient();
        ops.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/admin/v1/members")).StatusCode);
        await AssertProblemAsync(await ops.PostAsJsonAsync("/admin/v1/api-keys", new { name = "root", permissions = ServerAdmin }), 403, "permission_denied");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = "x", permissions = Unknown }), 400, "validation_failed");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/api-keys/{id}")).StatusCode);
        await AssertProblemAsync(await ops.GetAsync("/admin/v1/members"), 401, "unauthenticated");
        await AssertProblemAsync(await admin.DeleteAsync($"/admin/v1/api-keys/{id}"), 404, "api_key_not_found");

        var actions = await ActionsAsync(admin, "target=api_key:" + id);
        Assert.Equal(["api_key.revoked", "api_key.created"], actions);
    }

    [Fact]
    public async Task Members_are_paged_searched_blocked_approved_and_deleted_with_an_audit_trail()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var visitor = await app.VisitorClientAsync();
        var ids = new List<string>();
        foreach (var email in Emails)
        {
            ids.Add((await (await visitor.RegisterAsync(email)).JsonAsync()).GetProperty("identity").GetProperty("id").GetString()!);
        }

        var first = await (await admin.GetAsync("/admin/v1/members?pageSize=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await admin.GetAsync($"/admin/v1/members?pageSize=2&cursor={cursor}")).JsonAsync();
        var paged = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), paged.Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var found = await (await admin.GetAsync("/admin/v1/members?search=ANN")).JsonAsync();
        Assert.Equal(2, found.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain("passwordHash", found.ToString(), StringComparison.OrdinalIgnoreCase);
        await AssertProblemAsync(await admin.GetAsync("/admin/v1/members?status=sleeping"), 400, "validation_failed");
        await AssertProblemAsync(await admin.GetAsync("/admin/v1/members?cursor=%%%"), 400, "validation_failed");

        var bob = ids[1];
        var blocked = await (await admin.PostAsync($"/admin/v1/members/{bob}/block", null)).JsonAsync();
        Assert.Equal("blocked", blocked.GetProperty("status").GetString());
        var onlyBlocked = await (await admin.GetAsync("/admin/v1/members?status=blocked")).JsonAsync();
        Assert.Equal(bob, Assert.Single(onlyBlocked.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        await (await visitor.LoginAsync("bob@example.com")).AssertWixErrorAsync(403, "member_blocked");
        Assert.Equal("active", (await (await admin.PostAsync($"/admin/v1/members/{bob}/approve", null)).JsonAsync()).GetProperty("status").GetString());
        // The Members API's block is the same operation, and audited alike.
        (await admin.PostAsync($"/members/v1/members/{bob}/block", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/members/{bob}")).StatusCode);
        await AssertProblemAsync(await admin.GetAsync($"/admin/v1/members/{bob}"), 404, "member_id_not_found");
        await AssertProblemAsync(await admin.DeleteAsync($"/admin/v1/members/{bob}"), 404, "member_id_not_found");
        Assert.Equal(0L, app.Scalar<long>($"SELECT COUNT(*) FROM members WHERE Email = 'bob@example.com'"));

        Assert.Equal(["member.deleted", "member.blocked", "member.approved", "member.blocked"], await ActionsAsync(admin, "target=member:" + bob));
    }

    [Fact]
    public async Task A_members_sessions_are_listed_and_revoked_so_its_refresh_token_stops()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var visitor = await app.VisitorClientAsync();
        var id = (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString()!;
        var tokens = await (await admin.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorized_client",
            ["member_id"] = id,
            ["scope"] = "offline_access",
        }))).JsonAsync();

        var sessions = await (await admin.GetAsync($"/admin/v1/members/{id}/sessions")).JsonAsync();
        Assert.True(Assert.Single(sessions.GetProperty("sessions").EnumerateArray()).GetProperty("live").GetBoolean());

        var revoked = await (await admin.DeleteAsync($"/admin/v1/members/{id}/sessions")).JsonAsync();
        Assert.Equal(1, revoked.GetProperty("revoked").GetInt32());
        Assert.False((await (await admin.GetAsync($"/admin/v1/members/{id}/sessions")).JsonAsync()).GetProperty("sessions")[0].GetProperty("live").GetBoolean());
        using var anonymous = app.CreateClient();
        var refreshed = await anonymous.PostAsJsonAsync("/oauth2/token", new
        {
            clientId = app.Bootstrap.ClientId,
            grantType = "refresh_token",
            refreshToken = tokens.GetProperty("refresh_token").GetString(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        await AssertProblemAsync(await admin.GetAsync($"/admin/v1/members/{Guid.CreateVersion7()}/sessions"), 404, "member_id_not_found");
    }

    [Fact]
    public async Task Deleting_a_member_removes_their_tokens_and_frees_the_email()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var visitor = await app.VisitorClientAsync();
        var id = (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("identity").GetProperty("id").GetString()!;
        var tokens = await (await admin.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorized_client",
            ["member_id"] = id,
            ["scope"] = "offline_access",
        }))).JsonAsync();
        Assert.NotEqual(0L, app.Scalar<long>($"SELECT COUNT(*) FROM OpenIddictTokens WHERE Subject = '{id}'"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/members/{id}")).StatusCode);

        Assert.Equal(0L, app.Scalar<long>($"SELECT COUNT(*) FROM OpenIddictTokens WHERE Subject = '{id}'"));
        using var anonymous = app.CreateClient();
        var refreshed = await anonymous.PostAsJsonAsync("/oauth2/token", new
        {
            clientId = app.Bootstrap.ClientId,
            grantType = "refresh_token",
            refreshToken = tokens.GetProperty("refresh_token").GetString(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Equal("SUCCESS", (await (await visitor.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_site_key_sees_and_changes_only_its_own_site_and_cannot_create_sites()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        await app.AddSiteWithClientAsync();
        var siteId = app.Bootstrap.SiteId;

        var sites = await (await admin.GetAsync("/admin/v1/sites")).JsonAsync();
        Assert.Equal(siteId, Assert.Single(sites.GetProperty("sites").EnumerateArray()).GetProperty("id").GetString());
        await AssertProblemAsync(await admin.PostAsJsonAsync("/admin/v1/sites", new { name = "mine" }), 403, "permission_denied");
        await AssertProblemAsync(await admin.GetAsync($"/admin/v1/sites/{Guid.CreateVersion7()}"), 404, "site_not_found");

        var patched = await (await admin.PatchAsJsonAsync($"/admin/v1/sites/{siteId}", new { name = "Shop", requireOwnerApproval = true, passwordMinLength = 12 })).JsonAsync();
        Assert.Equal("Shop", patched.GetProperty("name").GetString());
        Assert.True(patched.GetProperty("requireOwnerApproval").GetBoolean());
        Assert.Equal(12, (await (await admin.GetAsync("/admin/v1/password-policy")).JsonAsync()).GetProperty("minLength").GetInt32());
        await AssertProblemAsync(await admin.PatchAsJsonAsync($"/admin/v1/sites/{siteId}", new { passwordMinLength = 4 }), 400, "validation_failed");
        (await admin.PatchAsJsonAsync("/admin/v1/password-policy", new { minLength = 10 })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { primaryColor = "#112233" })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();

        var events = await (await admin.GetAsync($"/admin/v1/audit-events?action=site.updated")).JsonAsync();
        var items = events.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.Equal("""{"requireEmailVerification":true}""", items[0].GetProperty("details").GetRawText());
        items.RemoveAt(0);
        Assert.Equal("primaryColor", Assert.Single(items[0].GetProperty("details").GetProperty("branding").EnumerateArray()).GetString());
        Assert.Equal(10, items[1].GetProperty("details").GetProperty("passwordMinLength").GetInt32());
        Assert.Equal("Shop", items[2].GetProperty("details").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Clients_are_listed_created_and_updated_and_a_secret_is_replaced_on_request()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var otherClient = await app.AddSiteWithClientAsync();

        var list = await (await admin.GetAsync("/admin/v1/clients")).JsonAsync();
        Assert.Equal(app.Bootstrap.ClientId, Assert.Single(list.GetProperty("clients").EnumerateArray()).GetProperty("clientId").GetString());
        await AssertProblemAsync(await admin.GetAsync($"/admin/v1/clients/{otherClient}"), 404, "client_id_not_found");
        await AssertProblemAsync(await admin.PatchAsJsonAsync($"/admin/v1/clients/{otherClient}", new { displayName = "mine" }), 404, "client_id_not_found");

        var created = await (await admin.PostAsJsonAsync("/admin/v1/clients", new
        {
            displayName = "backend",
            kind = "standard",
            confidential = true,
            redirectUris = Callback,
        })).JsonAsync();
        var clientId = created.GetProperty("clientId").GetString()!;
        var firstSecret = created.GetProperty("clientSecret").GetString()!;

        var updated = await (await admin.PatchAsJsonAsync($"/admin/v1/clients/{clientId}", new
        {
            redirectUris = Callback2,
            allowedOrigins = Origin,
            rotateSecret = true,
        })).JsonAsync();
        Assert.Equal(["https://app.example/cb2"], updated.GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(["https://app.example"], updated.GetProperty("allowedOrigins").EnumerateArray().Select(u => u.GetString()));
        var secondSecret = updated.GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(firstSecret, secondSecret);

        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync(anonymous, clientId, secondSecret)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ClientCredentialsAsync(anonymous, clientId, firstSecret)).StatusCode);
        await AssertProblemAsync(await admin.PatchAsJsonAsync($"/admin/v1/clients/{app.Bootstrap.ClientId}", new { rotateSecret = true }), 400, "validation_failed");

        var audit = await (await admin.GetAsync($"/admin/v1/audit-events?target=client:{clientId}")).Content.ReadAsStringAsync();
        Assert.Contains("client.updated", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(secondSecret, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_log_filters_by_action_actor_target_and_time_and_pages_with_a_cursor()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var bootstrapKeyId = (await (await admin.GetAsync("/admin/v1/api-keys")).JsonAsync()).GetProperty("apiKeys")[0].GetProperty("id").GetString();
        var start = app.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            (await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = $"k{i}", permissions = SignOn })).EnsureSuccessStatusCode();
        }

        var page1 = await (await admin.GetAsync($"/admin/v1/audit-events?action=api_key.created&actor=api-key:{bootstrapKeyId}&pageSize=2")).JsonAsync();
        var page2 = await (await admin.GetAsync($"/admin/v1/audit-events?action=api_key.created&actor=api-key:{bootstrapKeyId}&pageSize=2&cursor={page1.GetProperty("nextCursor").GetString()}")).JsonAsync();
        var page3 = await (await admin.GetAsync($"/admin/v1/audit-events?action=api_key.created&actor=api-key:{bootstrapKeyId}&pageSize=2&cursor={page2.GetProperty("nextCursor").GetString()}")).JsonAsync();
        var names = new[] { page1, page2, page3 }.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal(["k4", "k3", "k2", "k1", "k0"], names);
        Assert.Equal(JsonValueKind.Null, page3.GetProperty("nextCursor").ValueKind);

        var mine = await (await admin.GetAsync($"/admin/v1/audit-events?actor=api-key:{bootstrapKeyId}")).JsonAsync();
        Assert.Equal(5, mine.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await (await admin.GetAsync("/admin/v1/audit-events?actor=cli")).JsonAsync()).GetProperty("items").GetArrayLength());

        var from = Uri.EscapeDataString(start.AddMinutes(2).ToString("O"));
        var to = Uri.EscapeDataString(start.AddMinutes(4).ToString("O"));
        var window = await (await admin.GetAsync($"/admin/v1/audit-events?from={from}&to={to}")).JsonAsync();
        Assert.Equal(["k2", "k1"], window.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("details").GetProperty("name").GetString()));

        await AssertProblemAsync(await admin.GetAsync("/admin/v1/audit-events?cursor=bm9wZQ"), 400, "validation_failed");
        await AssertProblemAsync(await admin.GetAsync("/admin/v1/audit-events?pageSize=0"), 400, "validation_failed");
        var wrong = await AssertProblemAsync(await admin.GetAsync("/admin/v1/audit-events?pageSize=ten&from=yesterday"), 400, "validation_failed");
        Assert.True(wrong.GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.True(wrong.GetProperty("errors").TryGetProperty("from", out _));
        await AssertProblemAsync(await admin.GetAsync("/admin/v1/members?pageSize=x"), 400, "validation_failed");
    }

    [Fact]
    public async Task Signing_keys_are_listed_and_a_rotation_is_audited_for_every_site()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var before = await (await admin.GetAsync("/admin/v1/signing-keys")).JsonAsync();
        Assert.Equal("signing", Assert.Single(before.GetProperty("keys").EnumerateArray()).GetProperty("state").GetString());

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var root = await app.ServerAdminClientAsync();
        var kid = (await (await root.PostAsync("/admin/v1/signing-keys/rotate", null)).JsonAsync()).GetProperty("kid").GetString();

        var after = (await (await admin.GetAsync("/admin/v1/signing-keys")).JsonAsync()).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, after.Count);
        Assert.Equal("pending", after.Single(k => k.GetProperty("kid").GetString() == kid).GetProperty("state").GetString());
        var rotation = Assert.Single((await (await admin.GetAsync("/admin/v1/audit-events?action=signing_key.rotated")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(kid, rotation.GetProperty("targetId").GetString());
        Assert.Equal(JsonValueKind.Null, rotation.GetProperty("siteId").ValueKind);
    }

    [Fact]
    public async Task A_server_admin_key_from_the_cli_lists_and_creates_sites_whose_new_key_reaches_only_that_site()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        await app.AddSiteWithClientAsync();
        var rootKey = (await CreateKeyAsync(app, AdminActor.Cli, Guid.Parse(app.Bootstrap.SiteId), ApiKeyPermissions.Admin | ApiKeyPermissions.ServerAdmin)).Key;

        using var root = app.CreateClient();
        root.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", rootKey);
        Assert.Equal(2, (await (await root.GetAsync("/admin/v1/sites")).JsonAsync()).GetProperty("sites").GetArrayLength());

        var response = await root.PostAsJsonAsync("/admin/v1/sites", new { name = "Third" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var site = await response.JsonAsync();
        var siteId = site.GetProperty("site").GetProperty("id").GetString();
        await AssertProblemAsync(await root.PostAsJsonAsync("/admin/v1/sites", new { name = " " }), 400, "validation_failed");
        Assert.Equal("Renamed", (await (await root.PatchAsJsonAsync($"/admin/v1/sites/{siteId}", new { name = "Renamed" })).JsonAsync()).GetProperty("name").GetString());

        using var third = app.CreateClient();
        third.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", site.GetProperty("adminKey").GetProperty("key").GetString());
        var own = await (await third.GetAsync("/admin/v1/sites")).JsonAsync();
        Assert.Equal(siteId, Assert.Single(own.GetProperty("sites").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(0, (await (await third.GetAsync("/admin/v1/members")).JsonAsync()).GetProperty("items").GetArrayLength());
        await AssertProblemAsync(await third.GetAsync($"/admin/v1/sites/{app.Bootstrap.SiteId}"), 404, "site_not_found");
        var created3 = await (await third.GetAsync("/admin/v1/audit-events?action=site.created")).JsonAsync();
        Assert.StartsWith("api-key:", Assert.Single(created3.GetProperty("items").EnumerateArray()).GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sites_admin_key_cannot_revoke_a_server_admin_key_made_in_its_site()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var siteId = Guid.Parse(app.Bootstrap.SiteId);
        var root = await CreateKeyAsync(app, AdminActor.Cli, siteId, ApiKeyPermissions.Admin | ApiKeyPermissions.ServerAdmin);
        var plain = await CreateKeyAsync(app, AdminActor.Cli, siteId, ApiKeyPermissions.Admin);

        var refused = await AssertProblemAsync(await admin.DeleteAsync($"/admin/v1/api-keys/{root.ApiKey.Id}"), 403, "permission_denied");
        Assert.Contains("server-admin", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var rootClient = app.CreateClient();
        rootClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", root.Key);
        Assert.Equal(HttpStatusCode.OK, (await rootClient.GetAsync("/admin/v1/members")).StatusCode); // still works

        // A plain admin key of the site may still be revoked by the site, and the server-admin key by a server-wide caller.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/api-keys/{plain.ApiKey.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rootClient.DeleteAsync($"/admin/v1/api-keys/{root.ApiKey.Id}")).StatusCode);
        await AssertProblemAsync(await rootClient.GetAsync("/admin/v1/members"), 401, "unauthenticated");
    }

    [Fact]
    public async Task A_server_wide_event_by_another_sites_key_does_not_show_that_keys_id()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        await app.AddSiteWithClientAsync();
        Guid otherSite;
        using (var scope = app.Services.CreateScope())
        {
            otherSite = (await scope.ServiceProvider.GetRequiredService<Latchkey.Core.Storage.IAdminStore>().ListSitesAsync(CancellationToken.None))
                .Single(s => s.Id != Guid.Parse(app.Bootstrap.SiteId)).Id;
        }

        var other = await CreateKeyAsync(app, AdminActor.Cli, otherSite, ApiKeyPermissions.Admin | ApiKeyPermissions.ServerAdmin);
        using var otherClient = app.CreateClient();
        otherClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", other.Key);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        (await otherClient.PostAsync("/admin/v1/signing-keys/rotate", null)).EnsureSuccessStatusCode();
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var ownRoot = await app.ServerAdminClientAsync())
        {
            (await ownRoot.PostAsync("/admin/v1/signing-keys/rotate", null)).EnsureSuccessStatusCode();
        }

        var seen = await (await admin.GetAsync("/admin/v1/audit-events?action=signing_key.rotated")).Content.ReadAsStringAsync();
        var actors = JsonDocument.Parse(seen).RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("actor").GetString()).ToList();
        Assert.Equal(2, actors.Count);
        Assert.Contains(AuditAdmin.OtherSitesKey, actors);
        Assert.Contains(actors, a => a != AuditAdmin.OtherSitesKey && a!.StartsWith("api-key:", StringComparison.Ordinal)); // its own key
        Assert.DoesNotContain(other.ApiKey.Id.ToString(), seen, StringComparison.Ordinal);
        var byServerAdmin = await (await otherClient.GetAsync("/admin/v1/audit-events?action=signing_key.rotated")).Content.ReadAsStringAsync();
        Assert.Contains(other.ApiKey.Id.ToString(), byServerAdmin, StringComparison.Ordinal);
    }

    private static async Task<CreatedApiKey> CreateKeyAsync(LatchkeyApp app, AdminActor actor, Guid siteId, ApiKeyPermissions permissions)
    {
        using var scope = app.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(actor, siteId, "key", permissions, CancellationToken.None)).Value!;
    }

    private static Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient client, string clientId, string secret) =>
        client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

    private static async Task<List<string>> ActionsAsync(HttpClient admin, string query) =>
        [.. (await (await admin.GetAsync("/admin/v1/audit-events?" + query)).JsonAsync()).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body;
    }
}

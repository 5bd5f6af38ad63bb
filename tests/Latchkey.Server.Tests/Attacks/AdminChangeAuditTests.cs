using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Core.Clients;
using Latchkey.Server.Admin;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: a leaked site admin key quietly weakens a site or the whole server. Before issue #21, turning CAPTCHA off,
/// setting <c>failOpen</c> and rerouting the site's mail wrote no audit event, and a site's key could add server-wide
/// signing keys without limit. Now every change to a site's policies and settings writes an audit event naming the
/// actor and the changed fields (secrets masked), and rotating the server's signing keys needs server-admin.
/// </summary>
public sealed class AdminChangeAuditTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<JsonElement> EventAsync(HttpClient admin, string action)
    {
        var page = await (await admin.GetAsync($"/admin/v1/audit-events?action={action}")).JsonAsync();
        var items = page.GetProperty("items");
        Assert.True(items.GetArrayLength() > 0, $"no {action} event");
        return items[0];
    }

    [Fact]
    public async Task Every_change_to_a_sites_policies_and_settings_is_audited_with_actor_and_fields_and_no_secret()
    {
        using var admin = _app.ApiKeyClient();

        (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "always", provider = "turnstile", secret = "captcha-secret-1", failOpen = true }))
            .EnsureSuccessStatusCode();
        var captcha = await EventAsync(admin, "site.captcha_policy_updated");
        Assert.StartsWith("api-key:", captcha.GetProperty("actor").GetString(), StringComparison.Ordinal);
        var details = captcha.GetProperty("details").ToString();
        Assert.Contains("failOpen", details, StringComparison.Ordinal);
        Assert.Contains("mode", details, StringComparison.Ordinal);
        Assert.Contains("secret", details, StringComparison.Ordinal);
        Assert.DoesNotContain("captcha-secret-1", details, StringComparison.Ordinal);

        (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { mode = "off" })).EnsureSuccessStatusCode();
        Assert.Contains("off", (await EventAsync(admin, "site.captcha_policy_updated")).GetProperty("details").ToString(), StringComparison.Ordinal);

        (await admin.PutAsJsonAsync("/admin/v1/email-settings", new { host = "203.0.113.25", port = 587, userName = "mailer", password = "smtp-secret-1" }))
            .EnsureSuccessStatusCode();
        var mail = (await EventAsync(admin, "site.email_settings_updated")).GetProperty("details").ToString();
        Assert.Contains("203.0.113.25", mail, StringComparison.Ordinal);
        Assert.Contains("password", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp-secret-1", mail, StringComparison.Ordinal);

        (await admin.DeleteAsync("/admin/v1/email-settings")).EnsureSuccessStatusCode();
        await EventAsync(admin, "site.email_settings_deleted");

        // The site's other policies, through their own endpoints, name their changed fields too.
        (await admin.PatchAsJsonAsync("/admin/v1/password-policy", new { minLength = 12 })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/enumeration-policy", new { revealUnknownEmail = true })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { displayName = "Shop" })).EnsureSuccessStatusCode();

        var all = (await (await admin.GetAsync("/admin/v1/audit-events?action=site.updated")).JsonAsync()).GetProperty("items").ToString();
        foreach (var field in (string[])["passwordMinLength", "requireEmailVerification", "revealUnknownEmail", "displayName"])
        {
            Assert.Contains(field, all, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("secret-1", _app.Scalar<string>("""SELECT group_concat("Details", ' ') FROM audit_events"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_site_admin_key_cannot_rotate_the_servers_signing_keys_and_a_server_admin_key_can()
    {
        using var admin = _app.ApiKeyClient();

        await (await admin.PostAsync("/admin/v1/signing-keys/rotate", null)).AssertProblemAsync(403, "permission_denied");
        Assert.Equal(1L, _app.Count("signing_keys"));

        string rootKey;
        using (var scope = _app.Services.CreateScope())
        {
            rootKey = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(
                AdminActor.Cli, Guid.Parse(_app.Bootstrap.SiteId), "root", ApiKeyPermissions.Admin | ApiKeyPermissions.ServerAdmin, CancellationToken.None)).Value!.Key;
        }

        using var root = _app.CreateClient();
        root.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", rootKey);
        Assert.Equal(HttpStatusCode.OK, (await root.PostAsync("/admin/v1/signing-keys/rotate", null)).StatusCode);
        Assert.Equal(2L, _app.Count("signing_keys"));
        await EventAsync(root, "signing_key.rotated");
    }
}

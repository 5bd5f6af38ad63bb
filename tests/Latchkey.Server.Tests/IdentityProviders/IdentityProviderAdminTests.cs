using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Latchkey.Core.Clients;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;
using Latchkey.Server.Tests.Registration;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Latchkey.Server.Tests.Admin.AdminApiTests;

namespace Latchkey.Server.Tests.IdentityProviders;

/// <summary>
/// <c>/admin/v1/identity-providers</c> (issue #26): a site's registrations with upstream providers, held against a
/// stranger, a member, another site's admin and an admin who points the server at its own network.
/// </summary>
public sealed class IdentityProviderAdminTests
{
    private const string Providers = "/admin/v1/identity-providers";
    private const string Secret = "google-client-secret-that-must-never-show";

    private static object Google(string? secret = Secret) => new { kind = "google", clientId = "123.apps.googleusercontent.com", clientSecret = secret };

    [Fact]
    public async Task A_provider_is_registered_listed_changed_and_removed_and_its_secret_is_never_shown()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var created = await admin.PostAsJsonAsync(Providers, Google());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"{Providers}/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("google", "Google", true, false, true), (body.GetProperty("kind").GetString(), body.GetProperty("displayName").GetString(),
            body.GetProperty("clientSecretSet").GetBoolean(), body.GetProperty("trustEmail").GetBoolean(), body.GetProperty("enabled").GetBoolean()));

        // A change without the secret keeps it.
        var patched = await (await admin.PatchAsJsonAsync($"{Providers}/{id}", new { displayName = "Google Workspace", trustEmail = true })).JsonAsync();
        Assert.Equal(("Google Workspace", true, true), (patched.GetProperty("displayName").GetString(), patched.GetProperty("trustEmail").GetBoolean(),
            patched.GetProperty("clientSecretSet").GetBoolean()));
        var listed = await (await admin.GetAsync(Providers)).JsonAsync();
        Assert.Equal(id, Assert.Single(listed.GetProperty("identityProviders").EnumerateArray()).GetProperty("id").GetGuid());

        var everything = listed.GetRawText() + body.GetRawText() + patched.GetRawText() + await (await admin.GetAsync($"{Providers}/{id}")).Content.ReadAsStringAsync() +
            await (await admin.GetAsync("/admin/v1/audit-events")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.Contains("identity_provider.updated", everything, StringComparison.Ordinal);
        RegistrationTests.AssertNowhereInDatabase(app, Secret);
        using (var scope = app.Services.CreateScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<IIdentityProviderStore>().FindAsync(Guid.Parse(app.Bootstrap.SiteId), id, CancellationToken.None);
            Assert.Equal(Secret, scope.ServiceProvider.GetRequiredService<Core.SocialSignIn.IdentityProviderSecretSealer>().Open(stored!.SealedClientSecret!));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Providers}/{id}")).StatusCode);
        await AssertProblemAsync(await admin.DeleteAsync($"{Providers}/{id}"), 404, "identity_provider_not_found");
        Assert.Empty((await (await admin.GetAsync(Providers)).JsonAsync()).GetProperty("identityProviders").EnumerateArray());
    }

    [Fact]
    public async Task Another_site_s_admin_cannot_see_change_or_remove_a_site_s_provider()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var id = (await (await admin.PostAsJsonAsync(Providers, Google())).JsonAsync()).GetProperty("id").GetGuid();
        using var other = await OtherSiteAdminAsync(app);

        Assert.Empty((await (await other.GetAsync(Providers)).JsonAsync()).GetProperty("identityProviders").EnumerateArray());
        await AssertProblemAsync(await other.GetAsync($"{Providers}/{id}"), 404, "identity_provider_not_found");
        await AssertProblemAsync(await other.PatchAsJsonAsync($"{Providers}/{id}", new { clientSecret = "stolen", enabled = false }), 404, "identity_provider_not_found");
        await AssertProblemAsync(await other.DeleteAsync($"{Providers}/{id}"), 404, "identity_provider_not_found");

        var mine = await (await admin.GetAsync($"{Providers}/{id}")).JsonAsync();
        Assert.True(mine.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Without_the_admin_permission_nobody_reaches_the_providers()
    {
        using var app = new LatchkeyApp();
        using var anonymous = app.CreateClient();
        using var visitor = await app.VisitorClientAsync();

        await AssertProblemAsync(await anonymous.GetAsync(Providers), 401, "unauthenticated");
        await AssertProblemAsync(await visitor.GetAsync(Providers), 403, "permission_denied");
        await AssertProblemAsync(await visitor.PostAsJsonAsync(Providers, Google()), 403, "permission_denied");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://10.0.0.5/realms/x")]
    [InlineData("https://[::1]:8443/")]
    public async Task An_issuer_leading_into_the_server_s_own_network_is_refused_unless_the_operator_allows_it(string issuer)
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var body = await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, new { kind = "openIdConnect", clientId = "c", clientSecret = "s", issuer }),
            400, "validation_failed");

        Assert.Contains(issuer.StartsWith("http://169", StringComparison.Ordinal) ? "FORMAT" : "PUBLIC_ADDRESS", body.GetProperty("errors").GetProperty("issuer").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, app.Count("identity_providers"));
    }

    [Fact]
    public async Task A_loopback_issuer_is_accepted_where_the_operator_allowed_loopback()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        using var admin = app.ApiKeyClient();

        var created = await admin.PostAsJsonAsync(Providers, new { kind = "openIdConnect", clientId = "c", clientSecret = "s", issuer = "http://127.0.0.1:4000/" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("127.0.0.1", (await created.JsonAsync()).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Each_kind_takes_its_own_settings_and_reports_every_problem_at_once()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();

        var google = await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, new
        {
            kind = "google",
            clientId = "has space",
            clientSecret = "",
            tenant = "common",
            issuer = "https://accounts.google.com",
            teamId = "ABCDE12345",
        }), 400, "validation_failed");
        var errors = google.GetProperty("errors");
        Assert.Equal(["clientId", "clientSecret", "issuer", "teamId", "tenant"], errors.EnumerateObject().Select(e => e.Name).Order());

        var apple = await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, new
        {
            kind = "apple",
            clientId = "com.example.web",
            clientSecret = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----",
            teamId = "short",
            keyId = "abcdefghij",
        }), 400, "validation_failed");
        Assert.Equal(["clientSecret", "keyId", "teamId"], apple.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());

        await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, new { kind = "myspace", clientId = "c", clientSecret = "s" }), 400, "validation_failed");
        await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, new { kind = "3", clientId = "c", clientSecret = "s" }), 400, "validation_failed");
        await AssertProblemAsync(await admin.PostAsync(Providers, HttpAssertions.Json("""{"kind":"google","clientId":7}""")), 400, "malformed_body");
        Assert.Equal(0, app.Count("identity_providers"));
    }

    [Fact]
    public async Task Apple_takes_its_P256_key_team_id_and_key_id_and_Microsoft_defaults_to_the_common_tenant()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);

        var apple = await admin.PostAsJsonAsync(Providers, new
        {
            kind = "apple",
            clientId = "com.example.web",
            clientSecret = key.ExportPkcs8PrivateKeyPem(),
            teamId = "ABCDE12345",
            keyId = "KEY1234567",
        });
        var notEc = await AssertProblemAsync(await admin.PatchAsJsonAsync(
            $"{Providers}/{(await apple.JsonAsync()).GetProperty("id").GetGuid()}", new { clientSecret = rsa.ExportPkcs8PrivateKeyPem() }), 400, "validation_failed");
        var microsoft = await (await admin.PostAsJsonAsync(Providers, new { kind = "microsoft", clientId = "6cb04018-a3f5-46a7-b995-940c78f5aef3", clientSecret = "s" })).JsonAsync();

        Assert.Equal(HttpStatusCode.Created, apple.StatusCode);
        Assert.Contains("clientSecret", notEc.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Equal("common", microsoft.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_site_has_one_registration_per_named_provider_and_its_kind_and_issuer_never_change()
    {
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var id = (await (await admin.PostAsJsonAsync(Providers, Google())).JsonAsync()).GetProperty("id").GetGuid();

        var second = await AssertProblemAsync(await admin.PostAsJsonAsync(Providers, Google()), 400, "validation_failed");
        var changed = await AssertProblemAsync(await admin.PatchAsJsonAsync($"{Providers}/{id}", new { kind = "facebook" }), 400, "validation_failed");
        var oidc = (await (await admin.PostAsJsonAsync(Providers, new { kind = "openIdConnect", issuer = "https://a.example.invalid/", clientId = "c", clientSecret = "s" })).JsonAsync())
            .GetProperty("id").GetGuid();
        var reissued = await AssertProblemAsync(await admin.PatchAsJsonAsync($"{Providers}/{oidc}", new { issuer = "https://b.example.invalid/" }), 400, "validation_failed");
        var unknown = await admin.PatchAsJsonAsync($"{Providers}/{Guid.CreateVersion7()}", new { enabled = false });

        Assert.Contains("UNIQUE", second.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("IMMUTABLE", changed.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("IMMUTABLE", reissued.GetProperty("errors").GetProperty("issuer").GetRawText(), StringComparison.Ordinal);
        await AssertProblemAsync(unknown, 404, "identity_provider_not_found");
        Assert.Equal(2, app.Count("identity_providers"));
    }

    private static async Task<HttpClient> OtherSiteAdminAsync(LatchkeyApp app)
    {
        var clientId = await app.AddSiteWithClientAsync();
        using var scope = app.Services.CreateScope();
        var siteId = (await scope.ServiceProvider.GetRequiredService<IClientStore>().FindAsync(clientId, CancellationToken.None))!.SiteId;
        var key = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(
            AdminActor.Cli, siteId, "other admin", ApiKeyPermissions.Admin, CancellationToken.None)).Value!.Key;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        return client;
    }
}

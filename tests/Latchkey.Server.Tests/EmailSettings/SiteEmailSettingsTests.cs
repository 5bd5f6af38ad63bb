using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.OAuth;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Server.Tests.Registration;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.EmailSettings;

/// <summary>
/// Per-site SMTP settings over real sockets: each site's mail leaves through its own server with its own credentials
/// and sender, a site without settings uses the global server, and without that the <c>.eml</c> outbox.
/// </summary>
public sealed class SiteEmailSettingsTests : IDisposable
{
    private const string Settings = "/admin/v1/email-settings";
    private readonly SmtpMailbox _global = new();
    private readonly SmtpMailbox _siteA = new();
    private readonly RecordingSmtpServer _siteB = new();
    private readonly List<IDisposable> _owned = [];

    /// <summary>A site with its own Wix-SDK client and admin API key, made as the bootstrap makes the first one.</summary>
    private sealed record TestSite(string ClientId, string ApiKey);

    [Fact]
    public async Task Two_sites_deliver_through_their_own_settings_and_a_third_through_the_global_ones()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed(_global.Settings)));
        var a = new TestSite(app.Bootstrap.ClientId, app.Bootstrap.ApiKey);
        var b = await AddSiteAsync(app, "Site B");
        var c = await AddSiteAsync(app, "Site C");
        await PutAsync(app, a, new { host = "127.0.0.1", port = _siteA.Port, security = "None", from = "Site A <no-reply@a.example>" });
        await PutAsync(app, b, new { host = "127.0.0.1", port = _siteB.Port, security = "None", userName = "site-b", password = "b-secret-password", from = "Site B <no-reply@b.example>" });

        await SendRecoveryMailAsync(app, a, "ann@a.example");
        await SendRecoveryMailAsync(app, b, "bob@b.example");
        await SendRecoveryMailAsync(app, c, "cat@c.example");

        await _siteA.NextBodyAsync("ann@a.example");
        Assert.Equal(["no-reply@a.example"], _siteA.SendersTo("ann@a.example"));
        var viaB = await _siteB.WaitForAsync("bob@b.example");
        Assert.Equal(("site-b", "b-secret-password"), (viaB.UserName, viaB.Password));
        Assert.Contains("From: Site B <no-reply@b.example>", viaB.Data, StringComparison.Ordinal);
        await _global.NextBodyAsync("cat@c.example");
        Assert.Equal(["no-reply@example.com"], _global.SendersTo("cat@c.example"));
        // Nothing crossed: each server saw only its own site's mail.
        Assert.Equal(0, _global.CountTo("ann@a.example") + _global.CountTo("bob@b.example") + _siteA.CountTo("cat@c.example") + _siteA.CountTo("bob@b.example"));
        Assert.Single(_siteB.Messages);
    }

    [Fact]
    public async Task Without_global_SMTP_a_site_without_settings_writes_eml_files_while_a_configured_site_uses_its_server()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed([])));
        var a = new TestSite(app.Bootstrap.ClientId, app.Bootstrap.ApiKey);
        var b = await AddSiteAsync(app, "Site B");
        await PutAsync(app, b, new { host = "127.0.0.1", port = _siteA.Port, security = "None" });

        await SendRecoveryMailAsync(app, a, "ann@a.example");
        await SendRecoveryMailAsync(app, b, "bob@b.example");

        await _siteA.NextBodyAsync("bob@b.example");
        var outbox = Path.Combine(app.DataDirectory, "outbox");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.eml").Length > 0) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        var file = Assert.Single(Directory.GetFiles(outbox, "*.eml"));
        Assert.Contains("To: ann@a.example", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.Equal(0, _siteA.CountTo("ann@a.example"));
    }

    [Fact]
    public async Task Deleting_the_settings_falls_back_to_the_global_server()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed(_global.Settings)));
        var a = new TestSite(app.Bootstrap.ClientId, app.Bootstrap.ApiKey);
        await PutAsync(app, a, new { host = "127.0.0.1", port = _siteA.Port, security = "None" });
        using var admin = app.ApiKeyClient();

        var deleted = await (await admin.DeleteAsync(Settings)).JsonAsync();
        await SendRecoveryMailAsync(app, a, "ann@a.example");

        Assert.Equal("global", deleted.GetProperty("source").GetString());
        await _global.NextBodyAsync("ann@a.example");
        Assert.Equal(0, _siteA.CountTo("ann@a.example"));
    }

    [Fact]
    public async Task The_password_is_sealed_at_rest_never_returned_and_kept_when_left_out()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed([])));
        var a = new TestSite(app.Bootstrap.ClientId, app.Bootstrap.ApiKey);
        var body = await PutAsync(app, a, new { host = "127.0.0.1", port = _siteB.Port, security = "None", userName = "site-a", password = "a-very-secret-smtp-password" });

        Assert.True(body.GetProperty("passwordSet").GetBoolean());
        Assert.False(body.TryGetProperty("password", out _));
        RegistrationTests.AssertNowhereInDatabase(app, "a-very-secret-smtp-password");
        // A read-modify-write without the password keeps it.
        var again = await PutAsync(app, a, new { host = "127.0.0.1", port = _siteB.Port, security = "None", userName = "site-a", from = "A <a@a.example>" });
        Assert.True(again.GetProperty("passwordSet").GetBoolean());
        await SendRecoveryMailAsync(app, a, "ann@a.example");
        Assert.Equal("a-very-secret-smtp-password", (await _siteB.WaitForAsync("ann@a.example")).Password);
    }

    [Fact]
    public async Task Invalid_settings_are_field_violations()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed([])));
        using var admin = app.ApiKeyClient();

        var response = await admin.PutAsJsonAsync(Settings, new { host = "", port = 70000, security = "Carrier pigeon", from = "Evil\r\nBcc: x@y.z" });

        var problem = await response.AssertProblemAsync(400, "validation_failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["from", "host", "port", "security"], fields);
    }

    [Fact]
    public async Task Only_an_admin_API_key_may_read_or_change_the_settings()
    {
        var app = Own(new LatchkeyApp(settings: LoopbackAllowed([])));
        using var visitor = await app.VisitorClientAsync();
        using var anonymous = app.CreateClient();

        await (await visitor.GetAsync(Settings)).AssertProblemAsync(403, "permission_denied");
        await (await visitor.PutAsJsonAsync(Settings, new { host = "127.0.0.1", port = 25 })).AssertProblemAsync(403, "permission_denied");
        await (await anonymous.DeleteAsync(Settings)).AssertProblemAsync(401, "unauthenticated");
        using var admin = app.ApiKeyClient();
        Assert.Equal("outbox", (await (await admin.GetAsync(Settings)).JsonAsync()).GetProperty("source").GetString());
    }

    /// <summary>The sites' SMTP servers here listen on loopback, which admin-set hosts may reach only when the server allows it (issue #21).</summary>
    private static Dictionary<string, string?> LoopbackAllowed(Dictionary<string, string?> settings)
    {
        settings["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8";
        return settings;
    }

    private static async Task<JsonElement> PutAsync(LatchkeyApp app, TestSite site, object settings)
    {
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", site.ApiKey);
        var response = await admin.PutAsJsonAsync(Settings, settings);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("site", body.GetProperty("source").GetString());
        return body;
    }

    /// <summary>Registers a member on the site and asks for a recovery email: one message from that site.</summary>
    private static async Task SendRecoveryMailAsync(LatchkeyApp app, TestSite site, string email)
    {
        using var client = app.CreateClient();
        var token = await client.PostAsJsonAsync("/oauth2/token", new { clientId = site.ClientId, grantType = "anonymous" });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", (await token.JsonAsync()).GetProperty("access_token").GetString());
        (await client.RegisterAsync(email)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email })).EnsureSuccessStatusCode();
    }

    private static async Task<TestSite> AddSiteAsync(LatchkeyApp app, string name)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var now = app.Clock.GetUtcNow();
        var site = new Site { Id = Guid.CreateVersion7(), Name = name, CreatedAt = now };
        await services.GetRequiredService<ISiteStore>().AddAsync(site, CancellationToken.None);
        var client = await services.GetRequiredService<ClientRegistry>().CreateAsync(
            new ClientRegistration(site.Id, ClientKind.WixSdk, Confidential: false, name, ["http://localhost:3000/callback"], ["http://localhost:3000"]),
            CancellationToken.None);
        var hasher = services.GetRequiredService<TokenHasher>();
        var apiKey = ApiKey.Prefix + SecretGenerator.NewToken();
        await services.GetRequiredService<IClientStore>().AddApiKeyAsync(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = "admin",
            KeyHash = hasher.Hash(apiKey),
            KeyVersion = hasher.CurrentVersion,
            Permissions = ApiKeyPermissions.All,
            CreatedAt = now,
        }, CancellationToken.None);
        return new TestSite(client.ClientId, apiKey);
    }

    private LatchkeyApp Own(LatchkeyApp app)
    {
        _owned.Add(app);
        // Starting the host runs the bootstrap (bootstrap.json).
        app.CreateClient().Dispose();
        return app;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _global.Dispose();
        _siteA.Dispose();
        _siteB.Dispose();
    }
}

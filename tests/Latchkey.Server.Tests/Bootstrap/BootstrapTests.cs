using System.Net;
using Latchkey.Server.Tests.Infrastructure;

namespace Latchkey.Server.Tests.Bootstrap;

public class BootstrapTests
{
    [Fact]
    public async Task First_start_creates_site_client_and_api_key_and_writes_bootstrap_json_for_the_owner_only()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();

        var path = Path.Combine(app.DataDirectory, "bootstrap.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.True(Guid.TryParse(app.Bootstrap.SiteId, out _));
        Assert.True(Guid.TryParse(app.Bootstrap.ClientId, out _));
        Assert.StartsWith("lk_", app.Bootstrap.ApiKey, StringComparison.Ordinal);
        Assert.Equal(1, app.Count("sites"));
        Assert.Equal(1, app.Count("site_clients"));
        Assert.Equal(1, app.Count("OpenIddictApplications"));
        Assert.Equal(1, app.Count("api_keys"));
    }

    [Fact]
    public async Task The_bootstrap_client_allows_the_local_front_end()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();

        using var db = app.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT RedirectUris, AllowedOrigins, Kind FROM site_clients";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("""["http://localhost:3000/callback","http://localhost:3000/after-reset"]""", reader.GetString(0));
        Assert.Equal("""["http://localhost:3000"]""", reader.GetString(1));
        Assert.Equal(1, reader.GetInt32(2)); // ClientKind.WixSdk
    }

    [Fact]
    public async Task Configured_allow_lists_replace_the_localhost_defaults()
    {
        using var app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Bootstrap:AllowedOrigins:0"] = "https://app.example",
            ["Latchkey:Bootstrap:RedirectUris:0"] = "https://app.example/callback",
        });
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();

        using var db = app.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT RedirectUris || ' ' || AllowedOrigins FROM site_clients";
        Assert.Equal("""["https://app.example/callback"] ["https://app.example"]""", (string)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_restart_keeps_members_tokens_and_keys_and_creates_nothing_new()
    {
        var directory = Directory.CreateTempSubdirectory("latchkey-restart-").FullName;
        string bootstrapJson;
        string visitorToken;
        using (var first = new LatchkeyApp(directory))
        {
            using var client = await first.VisitorClientAsync();
            (await client.RegisterAsync("ann@example.com")).EnsureSuccessStatusCode();
            bootstrapJson = File.ReadAllText(Path.Combine(directory, "bootstrap.json"));
            visitorToken = await first.VisitorTokenAsync();
        }

        using var second = new LatchkeyApp(directory);
        using var again = second.CreateClient();
        again.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", visitorToken);

        // The member, the visitor token's signing key and the bootstrap values all survived the restart.
        var login = await again.LoginAsync("ann@example.com");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(bootstrapJson, File.ReadAllText(Path.Combine(directory, "bootstrap.json")));
        Assert.Equal(1, second.Count("sites"));
        Assert.Equal(1, second.Count("signing_keys"));
    }
}

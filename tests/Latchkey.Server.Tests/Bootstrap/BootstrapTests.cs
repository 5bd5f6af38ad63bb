using System.Net;
using Latchkey.Testing;

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

        // What the first start made is audited (issue #22), by actor bootstrap, with no secret in the details.
        using var admin = app.ApiKeyClient();
        var audit = (await (await admin.GetAsync("/admin/v1/audit-events")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["api_key.created", "client.created", "site.created"], audit.Select(e => e.GetProperty("action").GetString()));
        Assert.All(audit, e => Assert.Equal("bootstrap", e.GetProperty("actor").GetString()));
        Assert.Equal(app.Bootstrap.ClientId, audit[1].GetProperty("targetId").GetString());
        Assert.DoesNotContain(app.Bootstrap.ApiKey, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_directory_and_every_file_in_it_are_private_even_what_was_there_before()
    {
        // An existing, open folder: as an older version under umask 022 (or a careless copy) left it.
        var data = Directory.CreateTempSubdirectory("latchkey-private-").FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        Directory.CreateDirectory(Path.Combine(data, "outbox"));
        File.WriteAllText(Path.Combine(data, "outbox", "old.eml"), "Subject: old");
        File.SetUnixFileMode(Path.Combine(data, "outbox", "old.eml"), (UnixFileMode)0b110_100_100);
        using var app = new LatchkeyApp(data);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", await app.VisitorTokenAsync());
        (await client.RegisterAsync("private@example.com")).EnsureSuccessStatusCode();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        var entries = Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(Path.Combine(data, "latchkey.db-wal"), entries);
        Assert.Contains(Path.Combine(data, "latchkey.db-shm"), entries);
        Assert.All(entries, path => Assert.True(
            File.GetUnixFileMode(path) == (Directory.Exists(path) ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b110_000_000),
            $"{path} is {File.GetUnixFileMode(path)}"));
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

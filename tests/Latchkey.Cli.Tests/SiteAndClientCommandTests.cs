namespace Latchkey.Cli.Tests;

/// <summary><c>sites</c>, <c>clients</c> and <c>api-keys</c>: output, JSON and exit codes, and the audit they leave.</summary>
public class SiteAndClientCommandTests
{
    [Fact]
    public async Task Sites_are_created_listed_and_updated_and_several_sites_need_a_site_option()
    {
        using var cli = new CliHarness();
        var first = (await cli.InitAsync()).Json.GetProperty("siteId").GetString()!;

        var created = (await cli.RunAsync("sites", "create", "--name", "Shop", "--json")).Ok().Json;
        var shop = created.GetProperty("site").GetProperty("id").GetString()!;
        Assert.StartsWith("lk_", created.GetProperty("adminKey").GetProperty("key").GetString(), StringComparison.Ordinal);

        var table = (await cli.RunAsync("sites", "list")).Ok().Output;
        Assert.Contains("Default site", table, StringComparison.Ordinal);
        Assert.Contains("Shop", table, StringComparison.Ordinal);
        Assert.StartsWith("ID", table, StringComparison.Ordinal);

        var ambiguous = await cli.RunAsync("members", "list");
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("--site", ambiguous.Error, StringComparison.Ordinal);
        (await cli.RunAsync("members", "list", "--site", shop)).Ok();

        var updated = (await cli.RunAsync("sites", "update", first, "--require-owner-approval", "true", "--password-min-length", "12", "--json")).Ok().Json;
        Assert.True(updated.GetProperty("requireOwnerApproval").GetBoolean());
        Assert.Equal(12, updated.GetProperty("passwordMinLength").GetInt32());
        Assert.False(updated.GetProperty("requireEmailVerification").GetBoolean());

        var invalid = await cli.RunAsync("sites", "update", first, "--password-min-length", "4");
        Assert.Equal(3, invalid.ExitCode);
        Assert.Contains("validation_failed", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await cli.RunAsync("sites", "update", first, "--enumeration-safe-registration", "true")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("sites", "update", Guid.CreateVersion7().ToString(), "--name", "x")).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("sites", "update", "not-a-guid", "--name", "x")).ExitCode);

        var audit = (await cli.RunAsync("audit", "list", "--site", first, "--action", "site.updated", "--json")).Ok().Json;
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("cli", entry.GetProperty("actor").GetString());
        Assert.Equal(12, entry.GetProperty("details").GetProperty("passwordMinLength").GetInt32());
    }

    [Fact]
    public async Task Clients_are_created_listed_and_updated_with_a_secret_shown_once()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();

        var created = (await cli.RunAsync("clients", "create", "--name", "backend", "--confidential",
            "--redirect-uri", "https://app.example/cb", "--redirect-uri", "https://app.example/cb2", "--origin", "https://app.example", "--json")).Ok().Json;
        var clientId = created.GetProperty("client").GetProperty("clientId").GetString()!;
        var secret = created.GetProperty("clientSecret").GetString()!;
        Assert.Equal("standard", created.GetProperty("client").GetProperty("kind").GetString());
        Assert.Equal(2, created.GetProperty("client").GetProperty("redirectUris").GetArrayLength());

        var list = (await cli.RunAsync("clients", "list")).Ok().Output;
        Assert.Contains(clientId, list, StringComparison.Ordinal);
        Assert.Contains("wixSdk", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);

        var updated = (await cli.RunAsync("clients", "update", clientId, "--redirect-uri", "https://new.example/cb", "--rotate-secret")).Ok().Output;
        Assert.Contains("https://new.example/cb", updated, StringComparison.Ordinal);
        Assert.Contains("clientSecret:", updated, StringComparison.Ordinal);
        Assert.Contains("https://app.example", updated, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, updated, StringComparison.Ordinal);

        Assert.Equal(2, (await cli.RunAsync("clients", "update", "no-such-client", "--name", "x")).ExitCode);
        Assert.Equal(3, (await cli.RunAsync("clients", "create", "--redirect-uri", "not a url")).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("clients", "create", "--kind", "weird")).ExitCode);
        var wix = (await cli.RunAsync("clients", "create", "--kind", "wix-sdk", "--json")).Ok().Json;
        Assert.Equal("wixSdk", wix.GetProperty("client").GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, wix.GetProperty("clientSecret").ValueKind);

        var audit = (await cli.RunAsync("audit", "list", "--target", "client:" + clientId, "--json")).Ok();
        Assert.Equal(["client.updated", "client.created"], audit.Json.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.DoesNotContain(secret, audit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_keys_are_created_listed_and_revoked_once()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();

        var created = (await cli.RunAsync("api-keys", "create", "--name", "backend", "--permission", "sign-on,admin", "--json")).Ok().Json;
        var id = created.GetProperty("apiKey").GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal("sign-on,admin", created.GetProperty("apiKey").GetProperty("permissions").GetString());

        var list = (await cli.RunAsync("api-keys", "list")).Ok().Output;
        Assert.Contains("backend", list, StringComparison.Ordinal);
        Assert.Contains("bootstrap admin key", list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);

        Assert.Contains("is revoked", (await cli.RunAsync("api-keys", "revoke", id)).Ok().Output, StringComparison.Ordinal);
        var again = await cli.RunAsync("api-keys", "revoke", id);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("api_key_not_found", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("api-keys", "create", "--name", "x", "--permission", "root")).ExitCode);
        var serverAdmin = (await cli.RunAsync("api-keys", "create", "--name", "ops", "--permission", "server-admin", "--permission", "admin", "--json")).Ok().Json;
        Assert.Equal("admin,server-admin", serverAdmin.GetProperty("apiKey").GetProperty("permissions").GetString());

        var listed = (await cli.RunAsync("api-keys", "list", "--json")).Ok().Json.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);
    }
}

using System.Text.Json;
using Latchkey.Core.Members;

namespace Latchkey.Cli.Tests;

/// <summary><c>members …</c>, <c>keys …</c>, <c>audit list</c> and <c>export</c>.</summary>
public class MemberCommandTests
{
    [Fact]
    public async Task Members_are_listed_in_pages_searched_and_shown_by_id_or_email()
    {
        using var cli = new CliHarness();
        var site = Guid.Parse((await cli.InitAsync()).Json.GetProperty("siteId").GetString()!);
        var ann = await cli.AddMemberAsync(site, "ann@example.com");
        await cli.AddMemberAsync(site, "bob@example.com", MemberStatus.Pending);
        await cli.AddMemberAsync(site, "anna@other.org");

        var first = (await cli.RunAsync("members", "list", "--page-size", "2", "--json")).Ok().Json;
        var second = (await cli.RunAsync("members", "list", "--page-size", "2", "--cursor", first.GetProperty("nextCursor").GetString()!, "--json")).Ok().Json;
        Assert.Equal(3, first.GetProperty("items").GetArrayLength() + second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Contains("More: --cursor", (await cli.RunAsync("members", "list", "--page-size", "1")).Ok().Output, StringComparison.Ordinal);

        var found = (await cli.RunAsync("members", "search", "ANN")).Ok().Output;
        Assert.Contains("ann@example.com", found, StringComparison.Ordinal);
        Assert.Contains("anna@other.org", found, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@", found, StringComparison.Ordinal);
        var pending = (await cli.RunAsync("members", "list", "--status", "pending", "--json")).Ok().Json;
        Assert.Equal("bob@example.com", Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(3, (await cli.RunAsync("members", "list", "--status", "sleeping")).ExitCode);
        Assert.Equal(3, (await cli.RunAsync("members", "list", "--page-size", "1000")).ExitCode);

        var shown = (await cli.RunAsync("members", "show", "Ann@Example.com")).Ok().Output;
        Assert.Contains(ann.Id.ToString(), shown, StringComparison.Ordinal);
        Assert.DoesNotContain("argon2id", shown, StringComparison.Ordinal);
        Assert.Equal("ann@example.com", (await cli.RunAsync("members", "show", ann.Id.ToString(), "--json")).Ok().Json.GetProperty("email").GetString());
        Assert.Equal(2, (await cli.RunAsync("members", "show", "nobody@example.com")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("members", "show", Guid.CreateVersion7().ToString())).ExitCode);
    }

    [Fact]
    public async Task Approve_block_sessions_revoke_and_delete_change_the_member_and_are_audited()
    {
        using var cli = new CliHarness();
        var site = Guid.Parse((await cli.InitAsync()).Json.GetProperty("siteId").GetString()!);
        var bob = await cli.AddMemberAsync(site, "bob@example.com", MemberStatus.Pending);
        var id = bob.Id.ToString();

        Assert.Equal("active", (await cli.RunAsync("members", "approve", id, "--json")).Ok().Json.GetProperty("status").GetString());
        var sessions = (await cli.RunAsync("members", "sessions", id, "--json")).Ok().Json;
        Assert.True(Assert.Single(sessions.EnumerateArray()).GetProperty("live").GetBoolean());

        Assert.Equal("blocked", (await cli.RunAsync("members", "block", "bob@example.com", "--json")).Ok().Json.GetProperty("status").GetString());
        Assert.False((await cli.RunAsync("members", "sessions", id, "--json")).Ok().Json[0].GetProperty("live").GetBoolean());
        Assert.Contains("LIVE", (await cli.RunAsync("members", "sessions", id)).Ok().Output, StringComparison.Ordinal);

        await cli.AddMemberAsync(site, "carl@example.com");
        Assert.Equal(1, (await cli.RunAsync("members", "revoke-sessions", "carl@example.com", "--json")).Ok().Json.GetProperty("revoked").GetInt32());
        Assert.Contains("0 session(s) ended", (await cli.RunAsync("members", "revoke-sessions", "carl@example.com")).Ok().Output, StringComparison.Ordinal);

        Assert.Contains("is deleted", (await cli.RunAsync("members", "delete", id)).Ok().Output, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("members", "delete", id)).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("members", "sessions", id)).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("members", "approve", id)).ExitCode);

        var audit = (await cli.RunAsync("audit", "list", "--target", "member:" + id, "--json")).Ok().Json;
        Assert.Equal(["member.deleted", "member.blocked", "member.approved"], audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.All(audit.GetProperty("items").EnumerateArray(), e => Assert.Equal("cli", e.GetProperty("actor").GetString()));
        var table = (await cli.RunAsync("audit", "list", "--action", "member.sessions_revoked")).Ok().Output;
        Assert.Contains("{\"ended\":1}", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_list_pages_with_a_cursor_and_filters_by_time()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();
        var start = cli.Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            cli.Clock.Advance(TimeSpan.FromMinutes(1));
            (await cli.RunAsync("api-keys", "create", "--name", $"k{i}", "--permission", "sign-on")).Ok();
        }

        var page1 = (await cli.RunAsync("audit", "list", "--actor", "cli", "--page-size", "2", "--json")).Ok().Json;
        var page2 = (await cli.RunAsync("audit", "list", "--actor", "cli", "--page-size", "2", "--cursor", page1.GetProperty("nextCursor").GetString()!, "--json")).Ok().Json;
        var names = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray())
            .Select(e => e.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal(["k2", "k1", "k0"], names);

        var window = (await cli.RunAsync("audit", "list", "--from", start.AddMinutes(2).ToString("O"), "--to", start.AddMinutes(3).ToString("O"), "--json")).Ok().Json;
        Assert.Equal("k1", Assert.Single(window.GetProperty("items").EnumerateArray()).GetProperty("details").GetProperty("name").GetString());
        Assert.Equal(3, (await cli.RunAsync("audit", "list", "--cursor", "!!")).ExitCode);
    }

    [Fact]
    public async Task Keys_are_listed_and_rotated()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();
        var before = (await cli.RunAsync("keys", "list", "--json")).Ok().Json;
        Assert.Equal("signing", Assert.Single(before.EnumerateArray()).GetProperty("state").GetString());

        cli.Clock.Advance(TimeSpan.FromSeconds(1));
        var rotated = (await cli.RunAsync("keys", "rotate", "--json")).Ok().Json;
        var kid = rotated.GetProperty("kid").GetString()!;

        var table = (await cli.RunAsync("keys", "list")).Ok().Output;
        Assert.Contains(kid, table, StringComparison.Ordinal);
        Assert.Contains("pending", table, StringComparison.Ordinal);
        cli.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = (await cli.RunAsync("keys", "list", "--json")).Ok().Json;
        Assert.Equal("signing", after.EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid).GetProperty("state").GetString());
        Assert.Single((await cli.RunAsync("audit", "list", "--action", "signing_key.rotated", "--json")).Ok().Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Export_writes_every_member_as_json_lines_with_the_password_hash()
    {
        using var cli = new CliHarness();
        var site = Guid.Parse((await cli.InitAsync()).Json.GetProperty("siteId").GetString()!);
        var ann = await cli.AddMemberAsync(site, "ann@example.com");
        await cli.AddMemberAsync(site, "bob@example.com", MemberStatus.Blocked);

        var stdout = (await cli.RunAsync("export")).Ok().Output;
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        var first = lines.Single(l => l.GetProperty("email").GetString() == "ann@example.com");
        Assert.Equal(ann.Id.ToString(), first.GetProperty("id").GetString());
        Assert.Equal(ann.PasswordHash, first.GetProperty("passwordHash").GetString());
        Assert.Equal("ann", first.GetProperty("profile").GetProperty("nickname").GetString());
        Assert.Equal("blocked", lines.Single(l => l.GetProperty("email").GetString() == "bob@example.com").GetProperty("status").GetString());

        var path = Path.Combine(cli.DataDirectory, "members.jsonl");
        Assert.Contains("2 member(s) written", (await cli.RunAsync("export", "--output", path)).Ok().Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(path).Length);
        // No byte-order mark: every line, the first too, is JSON as a JSON parser reads raw bytes.
        Assert.NotEqual((byte)0xEF, File.ReadAllBytes(path)[0]);
        Assert.All(File.ReadAllText(path, new System.Text.UTF8Encoding(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries), l => JsonDocument.Parse(l));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(3, (await cli.RunAsync("export", "--output", path)).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("audit", "list", "--action", "members.exported", "--json")).Ok().Json.GetProperty("items").GetArrayLength());
    }
}

using System.Text.Json;
using Latchkey.Core.Members;

namespace Latchkey.Cli.Tests;

/// <summary><c>import</c>: the engine behind the command, its options, its report and its audit event.</summary>
public class ImportCommandTests
{
    private const string SignerKey = "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==";

    [Fact]
    public async Task Import_takes_the_Firebase_parameters_reports_bad_rows_by_line_on_stderr_and_is_audited()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();
        var file = Path.Combine(cli.DataDirectory, "firebase-users.jsonl");
        File.WriteAllLines(file,
        [
            // Firebase's published example user, and a bcrypt member.
            JsonSerializer.Serialize(new { email = "fb@example.com", passwordHash = "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==", passwordSalt = "42xEC+ixf3L2lw==" }),
            """{"email": "broken""",
            JsonSerializer.Serialize(new { email = "bc@example.com", passwordHash = BCrypt.Net.BCrypt.HashPassword("pw", 4), emailVerified = true }),
        ]);

        var result = (await cli.RunAsync("import", file, "--firebase-signer-key", SignerKey, "--firebase-salt-separator", "Bw==",
            "--firebase-rounds", "8", "--firebase-mem-cost", "14", "--json")).Ok();

        var report = result.Json;
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(1, report.GetProperty("invalid").GetInt32());
        Assert.Equal(2, report.GetProperty("issues")[0].GetProperty("line").GetInt32());
        Assert.StartsWith("line 2: not valid JSON", result.Error, StringComparison.Ordinal);
        var listed = (await cli.RunAsync("members", "list", "--json")).Ok().Json.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("email").GetString()).Order();
        Assert.Equal(["bc@example.com", "fb@example.com"], listed);
        var audit = (await cli.RunAsync("audit", "list", "--json")).Ok().Output;
        Assert.Contains("members.imported", audit, StringComparison.Ordinal);

        // The same file again: nothing new, two duplicates, in the human form.
        var again = (await cli.RunAsync("import", file, "--firebase-signer-key", SignerKey, "--firebase-salt-separator", "Bw==",
            "--firebase-rounds", "8", "--firebase-mem-cost", "14")).Ok();
        Assert.Contains("0 member(s) imported, 2 duplicate(s), 1 bad row(s)", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_export_writes_import_reads_into_another_installation()
    {
        using var source = new CliHarness();
        var site = Guid.Parse((await source.InitAsync()).Json.GetProperty("siteId").GetString()!);
        await source.AddMemberAsync(site, "ann@example.com");
        await source.AddMemberAsync(site, "bob@example.com", MemberStatus.Pending);
        var file = Path.Combine(source.DataDirectory, "members.jsonl");
        (await source.RunAsync("export", "-o", file)).Ok();

        using var target = new CliHarness();
        await target.InitAsync();
        var report = (await target.RunAsync("import", file, "--format", "jsonl", "--json")).Ok().Json;

        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        var bob = (await target.RunAsync("members", "show", "bob@example.com", "--json")).Ok().Json;
        Assert.Equal("pending", bob.GetProperty("status").GetString());
        Assert.True(bob.GetProperty("hasPassword").GetBoolean());
    }

    [Fact]
    public async Task Incomplete_Firebase_parameters_a_missing_file_and_an_unknown_format_are_refused()
    {
        using var cli = new CliHarness();
        await cli.InitAsync();
        var file = Path.Combine(cli.DataDirectory, "m.csv");
        File.WriteAllText(file, "email\nann@example.com\n");

        Assert.Equal(1, (await cli.RunAsync("import", file, "--firebase-rounds", "8")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("import", Path.Combine(cli.DataDirectory, "none.jsonl"))).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("import", file, "--format", "xml")).ExitCode);
        Assert.Equal(3, (await cli.RunAsync("import", file, "--firebase-signer-key", "%%", "--firebase-salt-separator", "Bw==",
            "--firebase-rounds", "8", "--firebase-mem-cost", "14")).ExitCode);
        Assert.Contains("1 member(s) imported", (await cli.RunAsync("import", file)).Ok().Output, StringComparison.Ordinal);
    }
}

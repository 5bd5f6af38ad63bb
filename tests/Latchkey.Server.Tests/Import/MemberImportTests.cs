using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Latchkey.Core.Features.Import;
using Latchkey.Core.Storage;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Import;

public class MemberImportTests
{
    /// <summary>
    /// The scenario tries a wrong password for every format from one address: on the default risk-mode CAPTCHA the
    /// third would ask for a challenge (issue #21), which is not what these tests are about.
    /// </summary>
    internal static Dictionary<string, string?> WithoutCaptcha() => new() { ["Latchkey:Captcha:DefaultMode"] = "off" };

    /// <summary>Lines (1-based) that are bad on purpose, and the words their report must carry.</summary>
    private static Dictionary<long, string> BadLines(int rows) => new()
    {
        [10] = "email:",
        [20] = "not valid JSON",
        [30] = "unknown hash format",
        [40] = "status 'deleted'",
        [50] = "cost is above the limit",
        // A duplicate of line 1: "earlier in the file" within one run, "already belongs" after a resume.
        [rows] = "member0@example.com",
    };

    [Fact]
    public async Task A_100000_row_import_survives_an_interruption_reports_bad_rows_and_every_format_logs_in_and_becomes_Argon2id()
    {
        using var app = new LatchkeyApp(settings: WithoutCaptcha());
        await ImportScenarioAsync(app, 100_000, cancelAfter: 40_000);
    }

    /// <summary>
    /// Imports <paramref name="rows"/> rows, cancelled once <paramref name="cancelAfter"/> are done and then resumed;
    /// checks every row landed once, bad lines were reported once, and every format logs in and becomes Argon2id.
    /// </summary>
    internal static async Task ImportScenarioAsync(LatchkeyApp app, int rows, int cancelAfter)
    {
        using var client = await app.VisitorClientAsync();
        var siteId = Guid.Parse(app.Bootstrap.SiteId);
        var file = Path.Combine(app.DataDirectory, "members.jsonl");
        var badLines = BadLines(rows);
        WriteLargeFile(file, rows);

        var issues = new List<ImportIssue>();
        var progress = new List<ImportProgress>();
        var watch = Stopwatch.StartNew();

        // First run: cancelled midway. What was committed stays; the checkpoint says where.
        using (var cancel = new CancellationTokenSource())
        {
            var options = Options(siteId, file, issues, p =>
            {
                progress.Add(p);
                if (p.RowsDone >= cancelAfter)
                {
                    cancel.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImportAsync(app, options, cancel.Token));
        }

        var afterFirst = app.Count("members");
        Assert.InRange(afterFirst, cancelAfter - 1000, cancelAfter + 1000);
        Assert.True(File.Exists(file + ".checkpoint"));

        // Second run: resumes after the checkpoint and finishes.
        var report = await ImportAsync(app, Options(siteId, file, issues, progress.Add), CancellationToken.None);
        watch.Stop();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{rows:N0} rows in {watch.Elapsed.TotalSeconds:F1} s over two runs ({rows / watch.Elapsed.TotalSeconds:N0} rows/s); second run {report.RowsPerSecond:N0} rows/s");
        Assert.True(report.ResumedAfterLine >= cancelAfter - 1000, $"resumed after {report.ResumedAfterLine}");
        Assert.Equal(rows - badLines.Count, app.Count("members"));
        Assert.Equal(rows - badLines.Count, app.Scalar<long>("SELECT COUNT(DISTINCT \"NormalizedEmail\") FROM members"));
        Assert.Equal(rows - badLines.Count - afterFirst, report.Imported);
        Assert.False(File.Exists(file + ".checkpoint"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"import took {watch.Elapsed}");

        // Each bad line reported once, with its line number, across both runs.
        Assert.Equal(badLines.Keys.Order(), issues.Select(i => i.Line).Order());
        foreach (var issue in issues)
        {
            Assert.Contains(badLines[issue.Line], issue.ToString());
            Assert.StartsWith($"line {issue.Line}: ", issue.ToString());
        }

        // Progress: monotonic rows done against a total of every row, with a rate and an ETA.
        Assert.Equal(rows, progress[^1].RowsDone);
        Assert.All(progress, p => Assert.Equal(rows, p.TotalRows));
        Assert.Contains(progress, p => p.RowsPerSecond > 0 && p.Eta is not null);

        // Every format: a wrong password is the ordinary 401, the right one logs in and the hash becomes Argon2id.
        var unknown = await (await client.LoginAsync("nobody@example.com", "wrong")).AssertWixErrorAsync(401, "invalid_credentials");
        for (var k = 0; k < ImportVectors.All.Count; k++)
        {
            var vector = ImportVectors.All[k];
            var email = $"member{900 + k}@example.com";
            var stored = StoredHash(app, email);
            Assert.False(stored.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", StringComparison.Ordinal), vector.Name);

            var wrong = await (await client.LoginAsync(email, vector.Password + "!")).AssertWixErrorAsync(401, "invalid_credentials");
            Assert.Equal(unknown.ToString(), wrong.ToString());
            Assert.Equal(stored, StoredHash(app, email));

            var response = await client.LoginAsync(email, vector.Password);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{vector.Name}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("SUCCESS", (await response.JsonAsync()).GetProperty("state").GetString());
            Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", StoredHash(app, email));

            // And again, now against the Argon2id hash.
            Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync(email, vector.Password)).StatusCode);
        }
    }

    [Fact]
    public async Task A_CSV_import_reads_quoted_fields_reports_bad_rows_by_line_and_a_rerun_finds_only_duplicates()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        var siteId = Guid.Parse(app.Bootstrap.SiteId);
        var file = Path.Combine(app.DataDirectory, "members.csv");
        var bcrypt = ImportVectors.All[0];
        File.WriteAllText(file, string.Join("\n",
            "email,passwordHash,hashFormat,emailVerified,status,createdAt,firstName,profile.lastName,labels",
            $"Ann@Example.com,{bcrypt.Hash},bcrypt,true,active,2021-03-04T05:06:07Z,Ann,\"O'Neil, \"\"the second\"\"\",vip;beta",
            $"bob@example.com,{bcrypt.Hash},,false,pending,,Bob,\"Multi",
            "line\",",
            "carl@example,,,,,,,,",
            $"dora@example.com,{bcrypt.Hash},md5,,,,,,",
            "eve@example.com,,,maybe,,,,,",
            "fay@example.com,,,,blocked,,,,",
            "too,few",
            "ANN@example.com,,,,,,,,") + "\n", Encoding.UTF8);

        var issues = new List<ImportIssue>();
        var report = await ImportAsync(app, Options(siteId, file, issues, null, ImportFileFormat.Csv), CancellationToken.None);

        Assert.Equal(3, report.Imported);
        Assert.Equal(
            ["line 5: email: Email is not a valid address.", "line 6: unknown hashFormat 'md5'", "line 7: emailVerified 'maybe' is not true or false",
             "line 9: 2 fields where the header has 9", "line 10: ANN@example.com appears earlier in the file"],
            issues.Select(i => i.ToString()));

        using (var db = app.OpenDatabase())
        using (var command = db.CreateCommand())
        {
            command.CommandText = "SELECT Email, EmailVerified, Status, PendingReasons, profile_json FROM members WHERE NormalizedEmail = 'ann@example.com'";
            using var row = command.ExecuteReader();
            Assert.True(row.Read());
            Assert.Equal("Ann@Example.com", row.GetString(0));
            Assert.True(row.GetBoolean(1));
            Assert.Equal(1, row.GetInt32(2));
            var profile = JsonDocument.Parse(row.GetString(4)).RootElement;
            Assert.Equal("O'Neil, \"the second\"", profile.GetProperty("lastName").GetString());
            Assert.Equal(2, profile.GetProperty("labels").GetArrayLength());
        }

        Assert.Equal(2L, app.Scalar<long>("SELECT Status FROM members WHERE NormalizedEmail = 'bob@example.com'"));
        Assert.Equal(1L, app.Scalar<long>("SELECT PendingReasons FROM members WHERE NormalizedEmail = 'bob@example.com'"));
        Assert.Equal("Multi\nline", JsonDocument.Parse(app.Scalar<string>("SELECT profile_json FROM members WHERE NormalizedEmail = 'bob@example.com'")).RootElement.GetProperty("lastName").GetString());
        Assert.Equal(3L, app.Scalar<long>("SELECT Status FROM members WHERE NormalizedEmail = 'fay@example.com'"));
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com", bcrypt.Password)).StatusCode);

        // Idempotent: a second run of the whole file imports nothing and calls the good rows duplicates.
        issues.Clear();
        var again = await ImportAsync(app, Options(siteId, file, issues, null, ImportFileFormat.Csv), CancellationToken.None);
        Assert.Equal(0, again.Imported);
        Assert.Equal(4, again.Duplicates);
        Assert.Equal(3L, app.Count("members"));
    }

    [Fact]
    public async Task Firebase_rows_need_the_project_parameters_and_a_salt()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        var siteId = Guid.Parse(app.Bootstrap.SiteId);
        var file = Path.Combine(app.DataDirectory, "firebase.jsonl");
        var firebase = ImportVectors.All.Single(v => v.Name == "firebase-scrypt");
        File.WriteAllLines(file,
        [
            JsonSerializer.Serialize(new { email = "fb1@example.com", passwordHash = firebase.Hash, passwordSalt = firebase.Salt, hashFormat = "firebase-scrypt" }),
            JsonSerializer.Serialize(new { email = "fb2@example.com", passwordHash = firebase.Hash, hashFormat = "firebase-scrypt" }),
        ]);

        var issues = new List<ImportIssue>();
        var without = await ImportAsync(app, Options(siteId, file, issues, null) with { Firebase = null }, CancellationToken.None);
        Assert.Equal(0, without.Imported);
        Assert.Contains("needs the project's hash parameters", issues[0].Reason);

        issues.Clear();
        var with = await ImportAsync(app, Options(siteId, file, issues, null), CancellationToken.None);
        Assert.Equal(1, with.Imported);
        Assert.Equal("line 2: firebase-scrypt needs passwordSalt", Assert.Single(issues).ToString());

        using var scope = app.Services.CreateScope();
        var bad = await Importer(scope).ImportAsync(
            Options(siteId, file, issues, null) with { Firebase = ImportVectors.Firebase with { SignerKey = "not base64!" } }, CancellationToken.None);
        Assert.Equal("firebase signer key is not base64", Assert.Single(bad.Error!.Violations).Description);
    }

    private static ImportOptions Options(Guid siteId, string file, List<ImportIssue> issues, Action<ImportProgress>? onProgress, ImportFileFormat format = ImportFileFormat.Jsonl) =>
        new(siteId, file, format) { Firebase = ImportVectors.Firebase, OnIssue = issues.Add, OnProgress = onProgress };

    private static async Task<ImportReport> ImportAsync(LatchkeyApp app, ImportOptions options, CancellationToken cancellationToken)
    {
        using var scope = app.Services.CreateScope();
        var result = await Importer(scope).ImportAsync(options, cancellationToken);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    /// <summary>The app's importer, but on the real clock: the test host's fake clock stands still, and so would the rate.</summary>
    private static MemberImporter Importer(IServiceScope scope) => new(
        scope.ServiceProvider.GetRequiredService<IMemberImportStore>(), scope.ServiceProvider.GetRequiredService<ISiteStore>(),
        TimeProvider.System, scope.ServiceProvider.GetRequiredService<ILogger<MemberImporter>>());

    private static string StoredHash(LatchkeyApp app, string normalizedEmail) =>
        app.Scalar<string>($"SELECT \"PasswordHash\" FROM members WHERE \"NormalizedEmail\" = '{normalizedEmail}'");

    /// <summary>100,000 rows cycling through the formats' precomputed hashes (plus password-less members), some bad.</summary>
    private static void WriteLargeFile(string path, int rows)
    {
        var vectors = ImportVectors.All;
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        for (var i = 0; i < rows; i++)
        {
            var line = i + 1L;
            var k = i % (vectors.Count + 1);
            var vector = k < vectors.Count ? vectors[k] : null;
            var row = new Dictionary<string, object?>
            {
                ["email"] = $"Member{i}@Example.COM",
                ["passwordHash"] = vector?.Hash,
                ["hashFormat"] = vector?.HashFormat,
                ["passwordSalt"] = vector?.Salt,
                ["emailVerified"] = i % 2 == 0,
                ["createdAt"] = "2020-01-02T03:04:05Z",
                ["profile"] = new { firstName = $"First{i}", lastName = "Imported", labels = new[] { "imported" } },
            };
            switch (line)
            {
                case 10: row["email"] = "not-an-email"; break;
                case 20: writer.WriteLine("{\"email\": \"broken@example.com\","); continue;
                case 30: row["passwordHash"] = "$md5$abc$def"; row["hashFormat"] = null; break;
                case 40: row["status"] = "deleted"; break;
                case 50: row["passwordHash"] = "$2b$31$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq"; row["hashFormat"] = null; break;
                case var last when last == rows: row["email"] = "member0@example.com"; break;
            }

            writer.WriteLine(JsonSerializer.Serialize(row));
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Latchkey.Core.Audit;
using Latchkey.Core.Features.Import;
using Latchkey.Core.Passwords.Imported;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary>
/// <c>import</c>: members with their existing password hashes from JSON Lines or CSV (docs/import.md) through
/// <see cref="MemberImporter"/>. Bad rows go to stderr as <c>line N: reason</c> while the import goes on; a progress
/// bar with rate and ETA is drawn on stderr when it is a terminal; Ctrl+C stops between batches and the same command
/// resumes from the checkpoint beside the file.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Conventional exit code of a command stopped by Ctrl+C.</summary>
    public const int Interrupted = 130;

    public static void Add(RootCommand root, CommandRunner runner)
    {
        var file = new Argument<string>("file") { Description = "The JSON Lines or CSV file ('latchkey export' writes JSON Lines)." };
        var format = new Option<string?>("--format") { Description = "jsonl or csv (default: from the file's extension)." };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var signerKey = new Option<string?>("--firebase-signer-key") { Description = "Firebase base64_signer_key, for firebase-scrypt rows." };
        var separator = new Option<string?>("--firebase-salt-separator") { Description = "Firebase base64_salt_separator." };
        var rounds = new Option<int?>("--firebase-rounds") { Description = "Firebase rounds." };
        var memCost = new Option<int?>("--firebase-mem-cost") { Description = "Firebase mem_cost." };
        var batch = new Option<int>("--batch-size") { Description = "Members per transaction (default 1000).", DefaultValueFactory = _ => 1000 };
        var command = new Command("import", "Import members with their existing password hashes (bcrypt, ASP.NET Identity, PBKDF2, scrypt, Firebase, Argon2).")
        {
            file, format, signerKey, separator, rounds, memCost, batch,
        };

        runner.Bind(command, async c =>
        {
            var path = c.Value(file)!;
            if (!File.Exists(path))
            {
                return c.Fail(ExitCodes.NotFound, "file_not_found", $"'{path}' does not exist.");
            }

            FirebaseScryptParameters? firebase = null;
            var firebaseValues = (c.Value(signerKey), c.Value(separator), c.Value(rounds), c.Value(memCost));
            if (firebaseValues is (not null, not null, not null, not null))
            {
                firebase = new FirebaseScryptParameters(firebaseValues.Item1, firebaseValues.Item2, firebaseValues.Item3.Value, firebaseValues.Item4.Value);
            }
            else if (firebaseValues is not (null, null, null, null))
            {
                return c.Fail(ExitCodes.Usage, "firebase_parameters_incomplete",
                    "Firebase needs all four: --firebase-signer-key, --firebase-salt-separator, --firebase-rounds, --firebase-mem-cost.");
            }

            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var bar = ProgressBar.For(c.Error);
            var options = new ImportOptions(site.Id, path, FormatOf(c.Value(format), path))
            {
                Firebase = firebase,
                BatchSize = Math.Max(1, c.Value(batch)),
                OnProgress = bar.Draw,
                OnIssue = issue =>
                {
                    bar.Clear();
                    c.Error.WriteLine(issue.ToString());
                },
            };

            Latchkey.Core.Errors.Result<ImportReport> result;
            try
            {
                result = await c.Get<MemberImporter>().ImportAsync(options, c.Cancellation);
            }
            catch (OperationCanceledException)
            {
                bar.Clear();
                c.Error.WriteLine($"Interrupted. Committed rows are kept; run the same command again to resume ({options.CheckpointPath}).");
                return Interrupted;
            }

            bar.Clear();
            if (!result.IsSuccess)
            {
                return c.Fail(result.Error);
            }

            var report = result.Value;
            await c.Get<AdminAudit>().RecordAsync(AdminActor.Cli, site.Id, AuditActions.MembersImported, "site", site.Id.ToString(),
                new { file = Path.GetFileName(path), imported = report.Imported, duplicates = report.Duplicates, invalid = report.Invalid }, c.Cancellation);
            return c.Emit(new
            {
                imported = report.Imported,
                duplicates = report.Duplicates,
                invalid = report.Invalid,
                resumedAfterLine = report.ResumedAfterLine,
                seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
                rowsPerSecond = Math.Round(report.RowsPerSecond),
                issues = report.Issues.Select(i => new { line = i.Line, kind = i.Kind.ToString().ToLowerInvariant(), reason = i.Reason }),
            }, (o, v) => o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.imported:N0} member(s) imported, {v.duplicates:N0} duplicate(s), {v.invalid:N0} bad row(s) in {v.seconds} s{Resumed(v.resumedAfterLine)}.")));
        });
        root.Subcommands.Add(command);
    }

    private static string Resumed(long line) =>
        line > 0 ? string.Create(CultureInfo.InvariantCulture, $" (resumed after line {line:N0})") : "";

    private static ImportFileFormat FormatOf(string? format, string path) =>
        (format ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "jsonl")) == "csv"
            ? ImportFileFormat.Csv
            : ImportFileFormat.Jsonl;

    /// <summary>A one-line bar redrawn with '\r' on a terminal's stderr; nothing at all when stderr is a file or a pipe.</summary>
    private sealed class ProgressBar(TextWriter? terminal)
    {
        private const int Width = 30;
        private bool _drawn;

        public static ProgressBar For(TextWriter error) =>
            new(ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? error : null);

        public void Draw(ImportProgress p)
        {
            if (terminal is null)
            {
                return;
            }

            var fraction = p.TotalRows == 0 ? 1 : (double)p.RowsDone / p.TotalRows;
            var filled = (int)Math.Round(fraction * Width);
            var eta = p.Eta is { } e ? e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "--:--";
            terminal.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {p.RowsDone:N0}/{p.TotalRows:N0} {fraction * 100:F0}%  {p.RowsPerSecond:N0} rows/s  ETA {eta}  "));
            terminal.Flush();
            _drawn = true;
        }

        public void Clear()
        {
            if (terminal is not null && _drawn)
            {
                terminal.Write("\r" + new string(' ', Width + 70) + "\r");
                _drawn = false;
            }
        }
    }
}

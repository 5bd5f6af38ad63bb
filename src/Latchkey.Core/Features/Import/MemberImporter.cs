using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Latchkey.Core.Features.Import;

/// <summary>
/// Imports members from a JSON Lines or CSV file (docs/import.md). Rows are checked one by one: a bad row is reported
/// with its line number and skipped, a taken email is reported as a duplicate. Good rows are written in batches, each
/// in one transaction, so a member is stored whole or not at all. After each batch the checkpoint beside the file
/// records the last line done; a second run with the same file resumes there, and rows seen again are duplicates.
/// Hashes are stored as given and verified on the member's first login (then rehashed to the site's Argon2id).
/// </summary>
public sealed partial class MemberImporter(IMemberImportStore store, ISiteStore sites, TimeProvider clock, ILogger<MemberImporter> logger)
{
    public const int MaxIssuesKept = 10_000;

    public async Task<Result<ImportReport>> ImportAsync(ImportOptions options, CancellationToken cancellationToken)
    {
        if (await sites.FindAsync(options.SiteId, cancellationToken) is null)
        {
            return LatchkeyErrors.SiteNotFound;
        }

        if (options.Firebase?.Problem is { } firebaseProblem)
        {
            return LatchkeyErrors.Validation(new FieldViolation("firebase", firebaseProblem, "FORMAT", "FIREBASE_PARAMETERS"));
        }

        var run = new Run(options, clock, ReadCheckpoint(options));
        if (run.ResumeAfter > 0)
        {
            LogResuming(logger, options.FilePath, run.ResumeAfter);
        }

        using (var counter = File.OpenText(options.FilePath))
        {
            run.Total = ImportFileReader.CountRows(counter, options.Format);
        }

        LogStarting(logger, options.FilePath, options.SiteId, run.Total);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<(long Line, Member Member)>(options.BatchSize);
        long lastLine = run.ResumeAfter;
        using (var reader = File.OpenText(options.FilePath))
        {
            foreach (var row in ImportFileReader.Read(reader, options.Format, run.ResumeAfter))
            {
                cancellationToken.ThrowIfCancellationRequested();
                run.RowsDone++;
                if (row.Line <= run.ResumeAfter)
                {
                    continue;
                }

                lastLine = row.Line;
                var (member, problem) = row.Record is null ? (null, row.Problem) : ImportedMember.From(row.Record, options, clock.GetUtcNow());
                if (member is null)
                {
                    run.Report(new ImportIssue(row.Line, ImportIssueKind.Invalid, problem!));
                }
                else if (!seen.Add(member.NormalizedEmail))
                {
                    run.Report(new ImportIssue(row.Line, ImportIssueKind.Duplicate, $"{member.Email} appears earlier in the file"));
                }
                else
                {
                    batch.Add((row.Line, member));
                }

                if (batch.Count >= options.BatchSize)
                {
                    await FlushAsync(run, batch, lastLine, cancellationToken);
                }
            }
        }

        await FlushAsync(run, batch, lastLine, cancellationToken);
        // Done: a later run of the same file starts from the top again (and finds every member a duplicate).
        File.Delete(options.CheckpointPath);
        var report = run.ToReport();
        LogFinished(logger, options.FilePath, report.Imported, report.Duplicates, report.Invalid, report.Elapsed.TotalSeconds);
        return report;
    }

    private async Task FlushAsync(Run run, List<(long Line, Member Member)> batch, long lastLine, CancellationToken cancellationToken)
    {
        for (var attempt = 0; batch.Count > 0; attempt++)
        {
            var taken = await store.FindTakenEmailsAsync(run.Options.SiteId, [.. batch.Select(b => b.Member.NormalizedEmail)], cancellationToken);
            foreach (var (line, member) in batch.Where(b => taken.Contains(b.Member.NormalizedEmail)))
            {
                run.Report(new ImportIssue(line, ImportIssueKind.Duplicate, $"{member.Email} already belongs to a member of the site"));
            }

            batch.RemoveAll(b => taken.Contains(b.Member.NormalizedEmail));
            // The cancellation token stops between batches, never inside one: the transaction commits or rolls back.
            if (await store.TryAddBatchAsync([.. batch.Select(b => b.Member)], CancellationToken.None))
            {
                run.Imported += batch.Count;
                await KeepDummyAsync(run, batch);
                break;
            }

            // Someone registered one of these emails between the look-up and the insert: look again and retry.
            if (attempt == 2)
            {
                throw new InvalidOperationException($"A batch ending at line {lastLine} kept failing on the unique email index.");
            }
        }

        batch.Clear();
        WriteCheckpoint(run.Options, lastLine);
        run.Options.OnProgress?.Invoke(run.Progress());
    }

    /// <summary>
    /// The first imported hash of a run becomes the site's imported dummy (<see cref="Sites.Site.ImportedDummyHash"/>): logins
    /// that check no imported hash check it too, so imported members do not stand out by time (issue #21). A run's rows
    /// come from one system, so one of them stands for the cost of all.
    /// </summary>
    private async Task KeepDummyAsync(Run run, List<(long Line, Member Member)> batch)
    {
        if (run.DummyKept || batch.Select(b => b.Member.PasswordHash).FirstOrDefault(h => Passwords.Imported.ImportedHashes.Find(h) is not null) is not { } hash ||
            await sites.FindAsync(run.Options.SiteId, CancellationToken.None) is not { } site)
        {
            return;
        }

        run.DummyKept = true;
        if (site.ImportedDummyHash != hash)
        {
            await sites.UpdateAsync(site with { ImportedDummyHash = hash }, CancellationToken.None);
        }
    }

    private sealed record Checkpoint(Guid SiteId, long FileLength, long Line);

    private long ReadCheckpoint(ImportOptions options)
    {
        if (!File.Exists(options.CheckpointPath))
        {
            return 0;
        }

        try
        {
            var checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(options.CheckpointPath), JsonSerializerOptions.Web);
            if (checkpoint is not null && checkpoint.SiteId == options.SiteId && checkpoint.FileLength == new FileInfo(options.FilePath).Length)
            {
                return checkpoint.Line;
            }
        }
        catch (JsonException)
        {
        }

        // Another site or a changed file: start from the top; rows already imported come back as duplicates.
        LogCheckpointIgnored(logger, options.CheckpointPath);
        return 0;
    }

    private static void WriteCheckpoint(ImportOptions options, long line)
    {
        var checkpoint = new Checkpoint(options.SiteId, new FileInfo(options.FilePath).Length, line);
        var temporary = options.CheckpointPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoint, JsonSerializerOptions.Web));
        // Atomic replace: a crash leaves the old checkpoint or the new one, never half of one.
        File.Move(temporary, options.CheckpointPath, overwrite: true);
    }

    private sealed class Run(ImportOptions options, TimeProvider clock, long resumeAfter)
    {
        private readonly long _started = clock.GetTimestamp();
        private readonly List<ImportIssue> _issues = [];

        public ImportOptions Options => options;
        public long ResumeAfter => resumeAfter;
        public long Total { get; set; }
        public bool DummyKept { get; set; }
        public long RowsDone { get; set; }
        public long Imported { get; set; }
        public long Duplicates { get; private set; }
        public long Invalid { get; private set; }

        public void Report(ImportIssue issue)
        {
            if (issue.Kind == ImportIssueKind.Duplicate)
            {
                Duplicates++;
            }
            else
            {
                Invalid++;
            }

            if (_issues.Count < MaxIssuesKept)
            {
                _issues.Add(issue);
            }

            options.OnIssue?.Invoke(issue);
        }

        public ImportProgress Progress()
        {
            var elapsed = clock.GetElapsedTime(_started).TotalSeconds;
            var rate = elapsed > 0 ? (Imported + Duplicates + Invalid) / elapsed : 0;
            TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, Total - RowsDone) / rate) : null;
            return new ImportProgress(RowsDone, Math.Max(Total, RowsDone), Imported, Duplicates, Invalid, rate, eta);
        }

        public ImportReport ToReport() =>
            new(Imported, Duplicates, Invalid, resumeAfter, clock.GetElapsedTime(_started), [.. _issues.OrderBy(i => i.Line)])
            {
                RowsPerSecond = Progress().RowsPerSecond,
            };
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Importing members from {Path} into site {SiteId}: {Total} rows.")]
    private static partial void LogStarting(ILogger logger, string path, Guid siteId, long total);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Resuming the import of {Path} after line {Line}.")]
    private static partial void LogResuming(ILogger logger, string path, long line);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "The checkpoint {Path} belongs to another site or an older file; importing from the top.")]
    private static partial void LogCheckpointIgnored(ILogger logger, string path);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Imported {Path}: {Imported} members, {Duplicates} duplicates, {Invalid} bad rows in {Seconds:F1} s.")]
    private static partial void LogFinished(ILogger logger, string path, long imported, long duplicates, long invalid, double seconds);
}

namespace Latchkey.Core.Features.Import;

/// <summary>
/// Where an import stands, reported after every batch: enough for a progress bar with rate and ETA.
/// <see cref="RowsDone"/> counts rows skipped by a resume, so the bar starts where the last run stopped.
/// </summary>
public sealed record ImportProgress(long RowsDone, long TotalRows, long Imported, long Duplicates, long Invalid, double RowsPerSecond, TimeSpan? Eta);

/// <summary>What an import did. <see cref="Issues"/> keeps the first <see cref="MemberImporter.MaxIssuesKept"/>; the counts are exact.</summary>
public sealed record ImportReport(
    long Imported, long Duplicates, long Invalid, long ResumedAfterLine, TimeSpan Elapsed, IReadOnlyList<ImportIssue> Issues)
{
    public double RowsPerSecond { get; init; }
}

namespace Latchkey.Core.Features.Import;

/// <summary>What an import did. <see cref="Issues"/> keeps the first <see cref="MemberImporter.MaxIssuesKept"/>; the counts are exact.</summary>
public sealed record ImportReport(
    long Imported, long Duplicates, long Invalid, long ResumedAfterLine, TimeSpan Elapsed, IReadOnlyList<ImportIssue> Issues)
{
    public double RowsPerSecond { get; init; }
}

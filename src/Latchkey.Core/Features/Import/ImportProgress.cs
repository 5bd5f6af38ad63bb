namespace Latchkey.Core.Features.Import;

/// <summary>
/// Where an import stands, reported after every batch: enough for a progress bar with rate and ETA.
/// <see cref="RowsDone"/> counts rows skipped by a resume, so the bar starts where the last run stopped.
/// </summary>
public sealed record ImportProgress(long RowsDone, long TotalRows, long Imported, long Duplicates, long Invalid, double RowsPerSecond, TimeSpan? Eta);

namespace Latchkey.Core.Features.Import;

/// <summary>The file formats <see cref="MemberImporter"/> reads.</summary>
public enum ImportFileFormat
{
    /// <summary>JSON Lines: one JSON object per line.</summary>
    Jsonl,

    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,
}

using Latchkey.Core.Passwords.Imported;

namespace Latchkey.Core.Features.Import;

/// <summary>One import run.</summary>
public sealed record ImportOptions(Guid SiteId, string FilePath, ImportFileFormat Format)
{
    /// <summary>The Firebase project's hash parameters, for rows in the firebase-scrypt format.</summary>
    public FirebaseScryptParameters? Firebase { get; init; }

    /// <summary>Members written per transaction; the checkpoint moves after each. Default: 1,000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Called after every batch (on the importing thread).</summary>
    public Action<ImportProgress>? OnProgress { get; init; }

    /// <summary>Called for every row not imported, as it is found.</summary>
    public Action<ImportIssue>? OnIssue { get; init; }

    /// <summary>The checkpoint beside the input: <c>&lt;file&gt;.checkpoint</c>.</summary>
    public string CheckpointPath => FilePath + ".checkpoint";
}

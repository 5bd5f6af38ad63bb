using Latchkey.Core.Members;

namespace Latchkey.Core.Features.Import;

/// <summary>The file formats <see cref="MemberImporter"/> reads.</summary>
public enum ImportFileFormat
{
    /// <summary>JSON Lines: one JSON object per line.</summary>
    Jsonl,

    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,
}

/// <summary>One member as an import file describes it, before validation (docs/import.md).</summary>
public sealed record ImportRecord
{
    public string? Email { get; init; }
    public string? PasswordHash { get; init; }

    /// <summary>bcrypt, aspnet-identity, pbkdf2, scrypt, firebase-scrypt, argon2i or argon2id; guessed from the hash when absent.</summary>
    public string? HashFormat { get; init; }

    /// <summary>The per-user salt Firebase exports beside the hash (base64).</summary>
    public string? PasswordSalt { get; init; }

    public bool? EmailVerified { get; init; }

    /// <summary>active (default), pending or blocked.</summary>
    public string? Status { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public IdentityProfile? Profile { get; init; }
}

/// <summary>One row read from the file: a record, or why the line could not be read. <see cref="Line"/> is 1-based.</summary>
public readonly record struct ImportRow(long Line, ImportRecord? Record, string? Problem);

/// <summary>A row that was not imported, with its line number.</summary>
public sealed record ImportIssue(long Line, ImportIssueKind Kind, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

public enum ImportIssueKind
{
    /// <summary>The row is malformed or breaks a rule; nothing was written for it.</summary>
    Invalid,

    /// <summary>The email already belongs to a member of the site (or appeared earlier in the file).</summary>
    Duplicate,
}

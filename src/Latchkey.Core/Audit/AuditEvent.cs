namespace Latchkey.Core.Audit;

/// <summary>
/// One administrative change: who (an API key id, or <c>cli</c>), what (<see cref="AuditActions"/>), on which
/// record, and a small JSON object of non-secret details. Written by every mutating admin operation on either
/// surface (CLI, REST) and by the Members API's approve and block. Never holds secrets or password hashes.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Assigned by the database, increasing: the newest event has the highest id (cursor paging).</summary>
    public long Id { get; init; }

    /// <summary>The site the change belongs to; <c>null</c> for server-wide changes (signing keys).</summary>
    public Guid? SiteId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary><c>api-key:&lt;id&gt;</c> for REST callers, <c>cli</c> for the command line, <c>latchkey</c> for the server's own acts.</summary>
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string TargetType { get; init; }
    public required string TargetId { get; init; }

    /// <summary>A JSON object, at most <see cref="MaxDetailsLength"/> characters; <c>{}</c> when there is nothing to add.</summary>
    public string Details { get; init; } = "{}";

    public const int MaxDetailsLength = 2000;
}

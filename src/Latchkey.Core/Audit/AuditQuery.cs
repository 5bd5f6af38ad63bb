namespace Latchkey.Core.Audit;

/// <summary>A filter over one site's audit events; every field is optional. <c>To</c> is exclusive.</summary>
public sealed record AuditQuery(
    string? Action = null, string? Actor = null, string? TargetType = null, string? TargetId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int PageSize = 50, long? Before = null);

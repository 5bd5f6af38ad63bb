using System.Text.Json;
using Latchkey.Core.Audit;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>
/// Writes one audit event per change; details are a small JSON object and never carry a secret. Each change is also
/// logged (event 7000) for operators who collect logs rather than query the audit API.
/// </summary>
public sealed partial class AdminAudit(IAuditLog log, TimeProvider clock, ILogger<AdminAudit> logger)
{
    // Absent values are left out: a patch's details name only what it changed.
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public Task RecordAsync(
        AdminActor actor, Guid? siteId, string action, string targetType, string targetId, object? details, CancellationToken cancellationToken)
    {
        var json = details is null ? "{}" : JsonSerializer.Serialize(details, DetailsJson);
        LogChange(logger, action, targetType, targetId, actor.Name, siteId);
        return log.AddAsync(new AuditEvent
        {
            SiteId = siteId,
            OccurredAt = clock.GetUtcNow(),
            Actor = actor.Name,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Details = json.Length <= AuditEvent.MaxDetailsLength ? json : "{\"truncated\":true}",
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Admin change {Action} on {TargetType} {TargetId} by {Actor} (site {SiteId}).")]
    private static partial void LogChange(ILogger logger, string action, string targetType, string targetId, string actor, Guid? siteId);
}

using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>
/// Who runs an admin operation: an API key over REST (<c>api-key:&lt;id&gt;</c>, limited to its site unless it holds
/// <see cref="ApiKeyPermissions.ServerAdmin"/>), or the operator at the command line (<c>cli</c>, every site).
/// </summary>
public sealed record AdminActor(string Name, Guid? SiteId, bool ServerWide)
{
    public static AdminActor Cli { get; } = new("cli", null, ServerWide: true);

    public static AdminActor For(ApiKey key) =>
        new($"api-key:{key.Id}", key.SiteId, key.Permissions.HasFlag(ApiKeyPermissions.ServerAdmin));

    /// <summary>Whether this actor may act on the site: its own, or any for the CLI and server-admin keys.</summary>
    public bool CanReach(Guid siteId) => ServerWide || SiteId == siteId;
}

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

/// <summary>Opaque page cursors: base64url of the last key seen, so clients cannot build or depend on them.</summary>
public static class Cursor
{
    public static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    public static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

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

/// <summary>Writes one audit event per change; details are a small JSON object and never carry a secret.</summary>
public sealed class AdminAudit(IAuditLog log, TimeProvider clock)
{
    public Task RecordAsync(
        AdminActor actor, Guid? siteId, string action, string targetType, string targetId, object? details, CancellationToken cancellationToken)
    {
        var json = details is null ? "{}" : JsonSerializer.Serialize(details, JsonSerializerOptions.Web);
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

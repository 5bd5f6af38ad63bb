using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>The audit log of a site (and the server-wide events) with filters and cursor paging, newest first.</summary>
public sealed class AuditAdmin(IAuditLog log, IAdminStore admin)
{
    public const int MaxPageSize = 200;

    /// <summary>What a site's key sees instead of another site's key on a server-wide event.</summary>
    public const string OtherSitesKey = "api-key:other-site";

    public sealed record AuditEventView(
        long Id, Guid? SiteId, DateTimeOffset OccurredAt, string Actor, string Action, string TargetType, string TargetId, System.Text.Json.JsonElement Details);

    public async Task<Result<Page<AuditEventView>>> QueryAsync(
        AdminActor viewer, Guid siteId, string? action, string? actor, string? target, DateTimeOffset? from, DateTimeOffset? to, int? pageSize, string? cursor,
        CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var size = pageSize ?? 50;
        if (size is < 1 or > MaxPageSize)
        {
            violations.Add(new FieldViolation("pageSize", $"pageSize is between 1 and {MaxPageSize}.", "RANGE", "NUMBER"));
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (long.TryParse(Cursor.Decode(cursor), System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                before = id;
            }
            else
            {
                violations.Add(new FieldViolation("cursor", "cursor is the nextCursor of a previous page.", "FORMAT", "STRING"));
            }
        }

        // target is "<type>" or "<type>:<id>", e.g. member or member:0193...
        string? targetType = null, targetId = null;
        if (!string.IsNullOrEmpty(target))
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            (targetType, targetId) = colon < 0 ? (target, null) : (target[..colon], target[(colon + 1)..]);
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var events = await log.QueryAsync(siteId, new AuditQuery(
            Blank(action), Blank(actor), Blank(targetType), Blank(targetId), from, to, size, before), cancellationToken);
        var next = events.Count == size ? Cursor.Encode(events[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;

        // Server-wide events (signing keys) concern every site, so each site's log shows them; but which other site's
        // key caused one is that site's business, so a site's key sees such an actor as OtherSitesKey. The site's keys
        // are read only when the page holds a server-wide event by a key other than the viewer's.
        static bool ByAnotherKey(AuditEvent e, AdminActor viewer) =>
            e.SiteId is null && e.Actor.StartsWith("api-key:", StringComparison.Ordinal) && e.Actor != viewer.Name;
        var ownKeys = viewer.ServerWide || !events.Any(e => ByAnotherKey(e, viewer))
            ? null
            : (await admin.ListApiKeysAsync(siteId, cancellationToken)).Select(k => $"api-key:{k.Id}").ToHashSet(StringComparer.Ordinal);
        string Actor(AuditEvent e) => ownKeys is null || !ByAnotherKey(e, viewer) || ownKeys.Contains(e.Actor) ? e.Actor : OtherSitesKey;

        return new Page<AuditEventView>([.. events.Select(e => new AuditEventView(
            e.Id, e.SiteId, e.OccurredAt, Actor(e), e.Action, e.TargetType, e.TargetId, System.Text.Json.JsonDocument.Parse(e.Details).RootElement))], next);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

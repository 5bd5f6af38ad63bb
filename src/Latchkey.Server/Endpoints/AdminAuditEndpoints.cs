using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>GET /admin/v1/audit-events</c> (issue #9): the site's audit log and the server-wide events, newest first, filtered
/// by <c>action</c>, <c>actor</c>, <c>target</c> (<c>member</c> or <c>member:&lt;id&gt;</c>), <c>from</c> and
/// <c>to</c> (ISO 8601, <c>to</c> exclusive), paged by <c>pageSize</c> and <c>cursor</c>. RFC 9457 problems.
/// </summary>
public static class AdminAuditEndpoints
{
    public static void MapAdminAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/v1/audit-events", (
            string? action, string? actor, string? target, string? from, string? to, string? pageSize, string? cursor,
            HttpRequest request, CallerResolver callers, AuditAdmin audit, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c =>
                AdminResults.Query(pageSize, out var size, from, out var fromTime, to, out var toTime) ??
                AdminResults.From(await audit.QueryAsync(c.Actor, c.Site.Id, action, actor, target, fromTime, toTime, size, cursor, ct)), ct))
            .Own<object>(ApiDocs.Admin, "The audit log, newest first: filter by action, actor, target and time; page with pageSize and cursor");
}

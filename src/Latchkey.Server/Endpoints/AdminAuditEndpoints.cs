using Latchkey.Core.Storage;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;
using static Latchkey.Server.Admin.AuditAdmin;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>GET /admin/v1/audit-events</c> (issue #9): the site's audit log and the server-wide events, newest first, filtered
/// by <c>action</c>, <c>actor</c>, <c>target</c> (<c>member</c> or <c>member:&lt;id&gt;</c>), <c>from</c> and
/// <c>to</c> (ISO 8601, <c>to</c> exclusive), paged by <c>pageSize</c> and <c>cursor</c>. RFC 9457 problems.
/// </summary>
public static class AdminAuditEndpoints
{
    public static void MapAdminAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGroup("/admin/v1/audit-events").RequireCaller(CallerKind.Admin)
            .MapGet("", QueryAsync)
            .Own(ApiDocs.Admin, "The audit log, newest first: filter by action, actor, target and time; page with pageSize and cursor");

    private static async Task<ApiResult<Page<AuditEventView>>> QueryAsync(
        string? action, string? actor, string? target, string? from, string? to, string? pageSize, string? cursor,
        Call call, AuditAdmin audit, CancellationToken cancellationToken)
    {
        var query = AdminQuery.Parse(pageSize, from, to);
        return query.IsSuccess
            ? await audit.QueryAsync(call.Actor(), call.Site.Id, action, actor, target, query.Value.From, query.Value.To, query.Value.PageSize, cursor, cancellationToken)
            : query.Error;
    }
}

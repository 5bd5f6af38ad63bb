using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/members</c> (issue #9): list and search (<c>?search=&amp;status=&amp;pageSize=&amp;cursor=</c>), show,
/// approve, block, delete, and a member's sessions (list, revoke all). The same operations as the CLI and, for
/// approve and block, the Members API. RFC 9457 problems.
/// </summary>
public static class AdminMemberEndpoints
{
    public static void MapAdminMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/admin/v1/members");
        members.MapGet("", (string? search, string? status, string? pageSize, string? cursor, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.Query(pageSize, out var size, null, out _, null, out _) ??
                AdminResults.From(await admin.ListAsync(c.Site.Id, search, status, size, cursor, ct)), ct))
            .Own<object>(ApiDocs.Admin, "List or search the site's members (search, status, pageSize, cursor)");
        members.MapGet("/{id:guid}", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.FindAsync(c.Site.Id, id, ct)), ct))
            .Own<MemberView>(ApiDocs.Admin, "One member of the site, with their status");
        members.MapPost("/{id:guid}/approve", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.ApproveAsync(c.Actor, c.Site, id, ct), m => TypedResults.Ok(MemberView.From(m))), ct))
            .Own<MemberView>(ApiDocs.Admin, "Approve a member who waits for the owner's approval");
        members.MapPost("/{id:guid}/block", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.BlockAsync(c.Actor, c.Site, id, ct), m => TypedResults.Ok(MemberView.From(m))), ct))
            .Own<MemberView>(ApiDocs.Admin, "Block a member and end their sessions");
        members.MapDelete("/{id:guid}", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.DeleteAsync(c.Actor, c.Site.Id, id, ct), _ => TypedResults.NoContent()), ct))
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Delete a member with their sessions and tokens", StatusCodes.Status204NoContent);
        members.MapGet("/{id:guid}/sessions", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.SessionsAsync(c.Site.Id, id, ct), s => TypedResults.Ok(new { sessions = s })), ct))
            .Own<object>(ApiDocs.Admin, "A member's sessions");
        members.MapDelete("/{id:guid}/sessions", (Guid id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
            WithAdminAsync(request, callers, async c => AdminResults.From(await admin.RevokeSessionsAsync(c.Actor, c.Site.Id, id, ct), n => TypedResults.Ok(new { revoked = n })), ct))
            .Own<object>(ApiDocs.Admin, "End every session of a member, and the tokens issued from them");
    }

    internal static async Task<IResult> WithAdminAsync(HttpRequest request, CallerResolver callers, Func<AdminContext, Task<IResult>> run, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAdminAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? await run(caller.Value) : Problems.ToResult(caller.Error);
    }
}

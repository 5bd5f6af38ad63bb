using Latchkey.Core.Storage;
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
    public sealed record SessionList(IReadOnlyList<SessionView> Sessions);

    public sealed record RevokedSessions(int Revoked);

    public static void MapAdminMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/admin/v1/members").RequireCaller(CallerKind.Admin);
        members.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "List or search the site's members (search, status, pageSize, cursor)");
        members.MapGet("/{id:guid}", GetAsync)
            .Own(ApiDocs.Admin, "One member of the site, with their status");
        members.MapPost("/{id:guid}/approve", ApproveAsync)
            .Own(ApiDocs.Admin, "Approve a member who waits for the owner's approval");
        members.MapPost("/{id:guid}/block", BlockAsync)
            .Own(ApiDocs.Admin, "Block a member and end their sessions");
        members.MapDelete("/{id:guid}", DeleteAsync)
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Delete a member with their sessions and tokens", StatusCodes.Status204NoContent);
        members.MapGet("/{id:guid}/sessions", SessionsAsync)
            .Own(ApiDocs.Admin, "A member's sessions");
        members.MapDelete("/{id:guid}/sessions", RevokeSessionsAsync)
            .Own(ApiDocs.Admin, "End every session of a member, and the tokens issued from them");
    }

    private static async Task<ApiResult<Page<MemberView>>> ListAsync(
        string? search, string? status, string? pageSize, string? cursor, Call call, MemberAdmin admin, CancellationToken cancellationToken)
    {
        var query = AdminQuery.Parse(pageSize);
        return query.IsSuccess ? await admin.ListAsync(call.Site.Id, search, status, query.Value.PageSize, cursor, cancellationToken) : query.Error;
    }

    private static async Task<ApiResult<MemberView>> GetAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        await admin.FindAsync(call.Site.Id, id, cancellationToken);

    private static async Task<ApiResult<MemberView>> ApproveAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.ApproveAsync(call.Actor(), call.Site, id, cancellationToken), MemberView.From);

    private static async Task<ApiResult<MemberView>> BlockAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.BlockAsync(call.Actor(), call.Site, id, cancellationToken), MemberView.From);

    private static async Task<IResult> DeleteAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.NoContent(await admin.DeleteAsync(call.Actor(), call.Site.Id, id, cancellationToken));

    private static async Task<ApiResult<SessionList>> SessionsAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.SessionsAsync(call.Site.Id, id, cancellationToken), sessions => new SessionList(sessions));

    private static async Task<ApiResult<RevokedSessions>> RevokeSessionsAsync(Guid id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.RevokeSessionsAsync(call.Actor(), call.Site.Id, id, cancellationToken), revoked => new RevokedSessions(revoked));
}

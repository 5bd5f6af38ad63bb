using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.SocialSignIn;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// A member's linked identities (issue #26, docs/flows/social-sign-in.md#linking; RFC 9457 problems): the member's own
/// under <c>/_api/latchkey/identities/v1/my</c> (member token), any member's of the site under
/// <c>/admin/v1/members/{id}/identities</c> (admin permission). The operations are <see cref="IdentityLinks"/>'s.
/// </summary>
public static class LinkedIdentityEndpoints
{
    public sealed record LinkedIdentityList(IReadOnlyList<LinkedIdentityView> Identities);

    public static void MapLinkedIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/_api/latchkey/identities/v1/my")
            .RequireCaller(CallerKind.Member, "A member's identities need that member's access token.");
        mine.MapGet("", ListMineAsync)
            .Own(ApiDocs.SocialSignIn, "The signed-in member's identities at the site's providers (member token)");
        mine.MapDelete("/{id:guid}", UnlinkMineAsync)
            .Own<ApiDocs.EmptyObject>(ApiDocs.SocialSignIn, "The signed-in member unlinks one of its identities (member token)", StatusCodes.Status204NoContent);

        var members = app.MapGroup("/admin/v1/members").RequireCaller(CallerKind.Admin);
        members.MapGet("/{id:guid}/identities", ListAsync)
            .Own(ApiDocs.Admin, "A member's identities at the site's providers");
        members.MapDelete("/{id:guid}/identities/{identityId:guid}", UnlinkAsync)
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Unlink one of a member's identities", StatusCodes.Status204NoContent);
    }

    private static async Task<ApiResult<LinkedIdentityList>> ListMineAsync(Call call, IdentityLinks links, CancellationToken cancellationToken) =>
        ApiResult.From(await links.ListAsync(call.Site.Id, call.Caller.MemberId!.Value, cancellationToken), list => new LinkedIdentityList(list));

    private static async Task<IResult> UnlinkMineAsync(Guid id, Call call, IdentityLinks links, CancellationToken cancellationToken) =>
        AdminResults.NoContent(await links.UnlinkAsync(call.Site.Id, call.Caller.MemberId!.Value, id, admin: null, cancellationToken));

    private static async Task<ApiResult<LinkedIdentityList>> ListAsync(Guid id, Call call, IdentityLinks links, CancellationToken cancellationToken) =>
        ApiResult.From(await links.ListAsync(call.Site.Id, id, cancellationToken), list => new LinkedIdentityList(list));

    private static async Task<IResult> UnlinkAsync(Guid id, Guid identityId, Call call, IdentityLinks links, CancellationToken cancellationToken) =>
        AdminResults.NoContent(await links.UnlinkAsync(call.Site.Id, id, identityId, call.Actor(), cancellationToken));
}

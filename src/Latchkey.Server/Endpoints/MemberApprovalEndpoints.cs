using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Sites;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Members API approve and block (docs/wire/sign-on-policy.md#approve-and-block), admin API key; audited like the admin
/// API's (<see cref="MemberAdmin"/>).
/// </summary>
public static class MemberApprovalEndpoints
{
    private static readonly string[] Prefixes = ["/members/v1/members", "/_api/members/v1/members"];

    public static void MapMemberApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/{id}/approve", (string id, Call call, MemberAdmin admin, CancellationToken ct) =>
                ChangeAsync(id, call, (actor, site, member) => admin.ApproveAsync(actor, site, member, ct)), "ApproveMember")
            .RequireCaller(CallerKind.Admin)
            .Wix(ApiDocs.WixMembers, "Approve a member who waits for the owner's approval (admin API key)");
        app.MapPost(Prefixes, "/{id}/block", (string id, Call call, MemberAdmin admin, CancellationToken ct) =>
                ChangeAsync(id, call, (actor, site, member) => admin.BlockAsync(actor, site, member, ct)), "BlockMember")
            .RequireCaller(CallerKind.Admin)
            .Wix(ApiDocs.WixMembers, "Block a member and end their sessions (admin API key)");
    }

    public sealed record MemberEnvelope(MemberView Member);

    /// <summary><c>status</c> uses the Members API's names: APPROVED, PENDING, BLOCKED.</summary>
    public sealed record MemberView(string Id, string Status, IdentityDto Identity);

    private static async Task<ApiResult<MemberEnvelope>> ChangeAsync(string id, Call call, Func<AdminActor, Site, Guid, Task<Result<Member>>> change) =>
        Guid.TryParse(id, out var memberId)
            ? ApiResult.From(await change(AdminActor.For(call.Caller.ApiKey!), call.Site, memberId), Envelope)
            : LatchkeyErrors.MemberIdNotFound.WithDetail($"'{id}' is not a member id.");

    private static MemberEnvelope Envelope(Member member) =>
        new(new MemberView(member.Id.ToString(), MembersApiStatus(member), IdentityDto.From(member)));

    /// <summary>
    /// The Members API's status names (docs/wire/sign-on-policy.md#approve-and-block), distinct from the identity
    /// status.
    /// </summary>
    private static string MembersApiStatus(Member member) => member.Status switch
    {
        MemberStatus.Active => "APPROVED",
        MemberStatus.Pending => "PENDING",
        MemberStatus.Blocked => "BLOCKED",
        _ => "UNKNOWN",
    };
}

using Latchkey.Core.Errors;
using Latchkey.Core.Members;
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
        app.MapPost(Prefixes, "/{id}/approve", (string id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
                ChangeAsync(id, request, callers, (actor, site, member) => admin.ApproveAsync(actor, site, member, ct), ct), "ApproveMember")
            .Wix<MemberEnvelope>(ApiDocs.WixMembers, "Approve a member who waits for the owner's approval (admin API key)");
        app.MapPost(Prefixes, "/{id}/block", (string id, HttpRequest request, CallerResolver callers, MemberAdmin admin, CancellationToken ct) =>
                ChangeAsync(id, request, callers, (actor, site, member) => admin.BlockAsync(actor, site, member, ct), ct), "BlockMember")
            .Wix<MemberEnvelope>(ApiDocs.WixMembers, "Block a member and end their sessions (admin API key)");
    }

    public sealed record MemberEnvelope(MemberView Member);

    /// <summary><c>status</c> uses the Members API's names: APPROVED, PENDING, BLOCKED.</summary>
    public sealed record MemberView(string Id, string Status, IdentityDto Identity);

    private static async Task<IResult> ChangeAsync(
        string id, HttpRequest request, CallerResolver callers, Func<AdminActor, Core.Sites.Site, Guid, Task<Result<Member>>> change, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        if (!Guid.TryParse(id, out var memberId))
        {
            return WixErrors.ToResult(LatchkeyErrors.MemberIdNotFound.WithDetail($"'{id}' is not a member id."));
        }

        var result = await change(AdminActor.For(caller.Value.ApiKey!), caller.Value.Site, memberId);
        return result.IsSuccess
            ? WixResults.Ok(new MemberEnvelope(new MemberView(result.Value.Id.ToString(), MembersApiStatus(result.Value), IdentityDto.From(result.Value))))
            : WixErrors.ToResult(result.Error);
    }

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

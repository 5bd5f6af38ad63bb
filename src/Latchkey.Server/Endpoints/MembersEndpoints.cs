using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Members;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The Wix Members API (docs/wire/members.md), as <c>@wix/members</c>' generated client calls it, under
/// <c>/members/v1/members</c> and the <c>/_api</c> alias. Who sees and changes what is the Core steps' rule
/// (<see cref="ReadMembers"/>); approve and block are <see cref="MemberApprovalEndpoints"/>.
/// </summary>
public static class MembersEndpoints
{
    private static readonly string[] Prefixes = ["/members/v1/members", "/_api/members/v1/members"];

    /// <summary>The Members API's Core steps.</summary>
    public static IServiceCollection AddMembersApi(this IServiceCollection services) =>
        services.AddScoped<ReadMembers>().AddScoped<UpdateMemberProfile>().AddScoped<ChangeMemberSlug>();

    public static void MapMembersEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Prefixes, "/my", GetMyAsync, "GetCurrentMember")
            .Wix(ApiDocs.WixMembers, "The signed-in member's own record (member token)").RequireCaller(CallerKind.Member);
        app.MapMethods(Prefixes, "/my", [HttpMethods.Delete], DeleteMyAsync, "DeleteMyMember")
            .Wix(ApiDocs.WixMembers, "The signed-in member deletes its own record, ending every credential (member token)").RequireCaller(CallerKind.Member);
        app.MapPost(Prefixes, "/my/slug", UpdateMySlugAsync, "UpdateCurrentMemberSlug")
            .Wix(ApiDocs.WixMembers, "Set the signed-in member's slug, unique per site (member token)").RequireCaller(CallerKind.Member);
        app.MapGet(Prefixes, "", ListAsync, "ListMembers")
            .Wix(ApiDocs.WixMembers, "A page of the site's members (paging, sorting, fieldsets; the SDK may pack them in .r)");
        app.MapPost(Prefixes, "/query", QueryAsync, "QueryMembers")
            .Wix(ApiDocs.WixMembers, "Members matching a filter, sorted and paged by offset");
        app.MapGet(Prefixes, "/{id}", GetAsync, "GetMember")
            .Wix(ApiDocs.WixMembers, "One member, in the fieldset the caller may see");
        app.MapMethods(Prefixes, "/{id}", [HttpMethods.Patch], UpdateAsync, "UpdateMember")
            .Wix(ApiDocs.WixMembers, "Change a member's contact, profile and privacy status (the member itself, or an admin API key)");
        app.MapMethods(Prefixes, "/{id}", [HttpMethods.Delete], DeleteAsync, "DeleteMember")
            .Wix(ApiDocs.WixMembers, "Delete a member with its sessions and tokens (admin API key)").RequireCaller(CallerKind.Admin);
    }

    private static async Task<ApiResult<MembersApiMemberResponse>> GetMyAsync(Call call, ReadMembers step, CancellationToken cancellationToken)
    {
        var fieldset = MemberFieldsets.Parse([.. call.Request.Query["fieldsets"]]);
        return fieldset.IsSuccess
            ? ApiResult.From(await step.GetAsync(Asking(call), null, fieldset.Value, cancellationToken), MembersApiMemberResponse.From)
            : fieldset.Error;
    }

    private static async Task<ApiResult<MembersApiMemberResponse>> GetAsync(string id, Call call, ReadMembers step, CancellationToken cancellationToken)
    {
        var fieldset = MemberFieldsets.Parse([.. call.Request.Query["fieldsets"]]);
        if (fieldset.IsFailure)
        {
            return fieldset.Error;
        }

        return Guid.TryParse(id, out var memberId)
            ? ApiResult.From(await step.GetAsync(Asking(call), memberId, fieldset.Value, cancellationToken), MembersApiMemberResponse.From)
            : NotAMember(id);
    }

    private static async Task<ApiResult<MembersApiListResponse>> ListAsync(Call call, ReadMembers step, CancellationToken cancellationToken)
    {
        var parameters = MembersQueryString.Read(call.Request.Query);
        if (parameters.IsFailure)
        {
            return parameters.Error;
        }

        return await RunListAsync(call, step, parameters.Value.Query, parameters.Value.Fieldsets, cancellationToken);
    }

    private static async Task<ApiResult<MembersApiListResponse>> QueryAsync(Call<QueryMembersRequest> call, ReadMembers step, CancellationToken cancellationToken)
    {
        if (call.Body.Search is { ValueKind: not System.Text.Json.JsonValueKind.Null })
        {
            return LatchkeyErrors.QueryInvalid.WithDetail("search: Latchkey does not search members by free text; filter on profile.nickname with $startsWith.");
        }

        return await RunListAsync(call, step, call.Body.Query, call.Body.Fieldsets ?? [], cancellationToken);
    }

    private static async Task<ApiResult<MembersApiListResponse>> RunListAsync(
        CallBase call, ReadMembers step, System.Text.Json.JsonElement? query, IReadOnlyList<string?> fieldsetNames, CancellationToken cancellationToken)
    {
        var fieldset = MemberFieldsets.Parse(fieldsetNames);
        if (fieldset.IsFailure)
        {
            return fieldset.Error;
        }

        var request = MemberQueryParser.Parse(query);
        return request.IsSuccess
            ? ApiResult.From(await step.ListAsync(Asking(call), request.Value, fieldset.Value, cancellationToken), MembersApiListResponse.From)
            : request.Error;
    }

    private static async Task<ApiResult<MembersApiMemberResponse>> UpdateAsync(
        string id, Call<UpdateMemberRequest> call, UpdateMemberProfile step, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var memberId))
        {
            return NotAMember(id);
        }

        var patch = (call.Body.Member ?? new MemberInput(null, null, null, null, null, null)).ToPatch(memberId);
        return patch.IsSuccess
            ? ApiResult.From(await step.HandleAsync(Asking(call), memberId, patch.Value, cancellationToken), MembersApiMemberResponse.Full)
            : patch.Error;
    }

    private static async Task<ApiResult<MembersApiMemberResponse>> UpdateMySlugAsync(
        Call<UpdateSlugRequest> call, ChangeMemberSlug step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.HandleAsync(Asking(call), call.Body.Slug, cancellationToken), MembersApiMemberResponse.Full);

    private static async Task<ApiResult<ApiDocs.EmptyObject>> DeleteAsync(string id, Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var memberId)
            ? ApiResult.From(await admin.DeleteAsync(AdminActor.For(call.Caller.ApiKey!), call.Site.Id, memberId, cancellationToken), _ => new ApiDocs.EmptyObject())
            : NotAMember(id);

    /// <summary>The member deletes itself: audited under its own name, as the admin deletion is under the key's.</summary>
    private static async Task<ApiResult<ApiDocs.EmptyObject>> DeleteMyAsync(Call call, MemberAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.DeleteAsync(new AdminActor($"member:{call.MemberId}", call.Site.Id, ServerWide: false), call.Site.Id, call.MemberId, cancellationToken),
            _ => new ApiDocs.EmptyObject());

    private static MembersCaller Asking(CallBase call) =>
        new(call.Site.Id, call.Caller.MemberId, call.Caller.ApiKey is { } key && key.Permissions.HasFlag(ApiKeyPermissions.Admin));

    private static LatchkeyError NotAMember(string id) => LatchkeyErrors.MemberIdNotFound.WithDetail($"'{id}' is not a member id.");
}

using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/api-keys</c> (issue #9): list the site's keys, create one (the key is in the response once), revoke one
/// with <c>DELETE</c>. A key cannot grant server-admin unless it holds it. RFC 9457 problems.
/// </summary>
public static class AdminApiKeyEndpoints
{
    public sealed record CreateApiKeyBody(string? Name, List<string>? Permissions);

    public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> ApiKeys);

    public static void MapAdminApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/admin/v1/api-keys").RequireCaller(CallerKind.Admin);
        keys.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "The site's API keys (never the keys themselves)");
        keys.MapPost("", CreateAsync)
            .Own<CreatedApiKey>(ApiDocs.Admin, "Create an API key with sign-on, admin or server-admin permissions (the key is shown once)", StatusCodes.Status201Created);
        keys.MapDelete("/{id:guid}", RevokeAsync)
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Revoke an API key", StatusCodes.Status204NoContent);
    }

    private static async Task<ApiResult<ApiKeyList>> ListAsync(Call call, ApiKeyAdmin admin, CancellationToken cancellationToken) =>
        new ApiKeyList(await admin.ListAsync(call.Site.Id, cancellationToken));

    private static async Task<IResult> CreateAsync(Call<CreateApiKeyBody> call, ApiKeyAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.Created(
            await admin.CreateAsync(call.Actor(), call.Site.Id, call.Body.Name, call.Body.Permissions ?? [], cancellationToken),
            created => $"/admin/v1/api-keys/{created.ApiKey.Id}");

    private static async Task<IResult> RevokeAsync(Guid id, Call call, ApiKeyAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.NoContent(await admin.RevokeAsync(call.Actor(), call.Site.Id, id, cancellationToken));
}

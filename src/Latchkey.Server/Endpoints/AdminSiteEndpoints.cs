using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/sites</c> (issue #9): an admin key sees and changes its own site; listing every site and creating one
/// needs the server-admin permission, which only the CLI grants (decision 0014). RFC 9457 problems.
/// </summary>
public static class AdminSiteEndpoints
{
    public sealed record CreateSiteBody(string? Name);

    public sealed record SiteList(IReadOnlyList<SiteView> Sites);

    public static void MapAdminSiteEndpoints(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/admin/v1/sites").RequireCaller(CallerKind.Admin);
        sites.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "Sites: the key's own, or every site with the server-admin permission");
        sites.MapGet("/{id:guid}", GetAsync)
            .Own(ApiDocs.Admin, "One site and its policies");
        sites.MapPost("", CreateAsync)
            .Own<CreatedSite>(ApiDocs.Admin, "Create a site and its first admin API key (server-admin permission)", StatusCodes.Status201Created);
        sites.MapPatch("/{id:guid}", PatchAsync)
            .Own(ApiDocs.Admin, "Change a site's name and policies");
    }

    private static async Task<ApiResult<SiteList>> ListAsync(Call call, SiteAdmin admin, CancellationToken cancellationToken) =>
        new SiteList(await admin.ListAsync(call.Actor(), cancellationToken));

    private static async Task<ApiResult<SiteView>> GetAsync(Guid id, Call call, SiteAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.FindAsync(call.Actor(), id, cancellationToken), SiteView.From);

    private static async Task<IResult> CreateAsync(Call<CreateSiteBody> call, SiteAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.Created(await admin.CreateAsync(call.Actor(), call.Body.Name, cancellationToken), created => $"/admin/v1/sites/{created.Site.Id}");

    private static async Task<ApiResult<SiteView>> PatchAsync(Guid id, Call<SitePatch> call, SiteAdmin admin, CancellationToken cancellationToken) =>
        await admin.UpdateAsync(call.Actor(), id, call.Body, cancellationToken);
}

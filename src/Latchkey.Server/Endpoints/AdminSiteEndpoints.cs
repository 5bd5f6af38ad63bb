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

    public static void MapAdminSiteEndpoints(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/admin/v1/sites");
        sites.MapGet("", async (HttpRequest request, CallerResolver callers, SiteAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            return caller.IsSuccess ? TypedResults.Ok(new { sites = await admin.ListAsync(caller.Value.Actor, ct) }) : Problems.ToResult(caller.Error);
        })
            .Own<object>(ApiDocs.Admin, "Sites: the key's own, or every site with the server-admin permission");
        sites.MapGet("/{id:guid}", async (Guid id, HttpRequest request, CallerResolver callers, SiteAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            if (!caller.IsSuccess)
            {
                return Problems.ToResult(caller.Error);
            }

            var site = await admin.FindAsync(caller.Value.Actor, id, ct);
            return site.IsSuccess ? TypedResults.Ok(SiteView.From(site.Value)) : Problems.ToResult(site.Error);
        })
            .Own<SiteView>(ApiDocs.Admin, "One site and its policies");
        sites.MapPost("", async (HttpRequest request, CallerResolver callers, SiteAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            if (!caller.IsSuccess)
            {
                return Problems.ToResult(caller.Error);
            }

            var body = await RequestBody.ReadAsync<CreateSiteBody>(request, ct);
            return !body.IsSuccess ? Problems.ToResult(body.Error) : AdminResults.From(await admin.CreateAsync(caller.Value.Actor, body.Value.Name, ct),
                created => TypedResults.Created($"/admin/v1/sites/{created.Site.Id}", created));
        })
            .Own<CreateSiteBody, CreatedSite>(ApiDocs.Admin, "Create a site and its first admin API key (server-admin permission)", StatusCodes.Status201Created);
        sites.MapPatch("/{id:guid}", async (Guid id, HttpRequest request, CallerResolver callers, SiteAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            if (!caller.IsSuccess)
            {
                return Problems.ToResult(caller.Error);
            }

            var body = await RequestBody.ReadAsync<SitePatch>(request, ct);
            return !body.IsSuccess ? Problems.ToResult(body.Error) : AdminResults.From(await admin.UpdateAsync(caller.Value.Actor, id, body.Value, ct));
        })
            .Own<SitePatch, SiteView>(ApiDocs.Admin, "Change a site's name and policies");
    }
}

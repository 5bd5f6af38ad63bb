using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;
using static Latchkey.Server.Admin.BrandingAdmin;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The hosted pages' branding for admins (issue #8): <c>GET</c>/<c>PATCH /admin/v1/branding</c>. RFC 9457 problems;
/// absent fields keep their value, an empty <c>displayName</c> or <c>logoUrl</c> clears it (<see cref="BrandingAdmin"/>).
/// </summary>
public static class AdminBrandingEndpoints
{
    public static void MapAdminBrandingEndpoints(this IEndpointRouteBuilder app)
    {
        var branding = app.MapGroup("/admin/v1/branding").RequireCaller(CallerKind.Admin);
        branding.MapGet("", Get)
            .Own(ApiDocs.Admin, "The site's branding of the hosted pages");
        branding.MapPatch("", PatchAsync)
            .Own(ApiDocs.Admin, "Change the site's branding (members omitted stay as they are)");
    }

    private static ApiResult<BrandingBody> Get(Call call) => View(call.Site.Branding);

    private static async Task<ApiResult<BrandingBody>> PatchAsync(Call<BrandingBody> call, BrandingAdmin branding, CancellationToken cancellationToken) =>
        await branding.UpdateAsync(call.Actor(), call.Site, call.Body, cancellationToken);
}

using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Sign-on policy (docs/wire/sign-on-policy.md#sign-on-policy): GET and PATCH, admin API key. A PATCH is a <see
/// cref="SiteAdmin"/> update like <c>PATCH /admin/v1/sites/{id}</c>: the same rules (email verification stays on while
/// enumeration-safe registration needs it) and the same <c>site.updated</c> audit event.
/// </summary>
public static class SignOnPolicyEndpoints
{
    private static readonly string[] Paths = ["/iam/signon/v1/sign-on-policies", "/_api/iam/signon/v1/sign-on-policies"];

    public sealed record PolicyBody(bool? RequireOwnerApproval, bool? RequireEmailVerification);

    public sealed record PolicyEnvelope(PolicyBody? SignOnPolicy);

    public static void MapSignOnPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("").RequireCaller(CallerKind.Admin);
        admin.MapGet(Paths, "", Get, "GetSignOnPolicy")
            .Wix(ApiDocs.Admin, "The site's sign-on policy (admin API key)");
        admin.MapMethods(Paths, "", [HttpMethods.Patch], PatchAsync, "UpdateSignOnPolicy")
            .Wix(ApiDocs.Admin, "Change the site's sign-on policy (admin API key)");
    }

    private static ApiResult<PolicyEnvelope> Get(Call call) => View(SiteView.From(call.Site));

    private static async Task<ApiResult<PolicyEnvelope>> PatchAsync(Call<PolicyEnvelope> call, SiteAdmin sites, CancellationToken cancellationToken) =>
        ApiResult.From(await sites.UpdateAsync(call.Actor(), call.Site.Id, new SitePatch(
            RequireOwnerApproval: call.Body.SignOnPolicy?.RequireOwnerApproval, RequireEmailVerification: call.Body.SignOnPolicy?.RequireEmailVerification),
            cancellationToken), View);

    private static PolicyEnvelope View(SiteView site) => new(new PolicyBody(site.RequireOwnerApproval, site.RequireEmailVerification));
}

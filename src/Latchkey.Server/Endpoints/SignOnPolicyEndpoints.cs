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
        app.MapGet(Paths, "", GetAsync, "GetSignOnPolicy")
            .Wix<PolicyEnvelope>(ApiDocs.Admin, "The site's sign-on policy (admin API key)");
        app.MapMethods(Paths, "", [HttpMethods.Patch], PatchAsync, "UpdateSignOnPolicy")
            .Wix<PolicyEnvelope, PolicyEnvelope>(ApiDocs.Admin, "Change the site's sign-on policy (admin API key)");
    }

    private static async Task<IResult> GetAsync(HttpRequest request, CallerResolver callers, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? WixResults.Ok(View(SiteView.From(caller.Value.Site))) : WixErrors.ToResult(caller.Error);
    }

    private static async Task<IResult> PatchAsync(
        HttpRequest request, CallerResolver callers, SiteAdmin sites, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<PolicyEnvelope>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var patch = body.Value.SignOnPolicy ?? new PolicyBody(null, null);
        var updated = await sites.UpdateAsync(AdminActor.For(caller.Value.ApiKey!), caller.Value.Site.Id,
            new SitePatch(RequireOwnerApproval: patch.RequireOwnerApproval, RequireEmailVerification: patch.RequireEmailVerification), cancellationToken);
        return updated.IsSuccess ? WixResults.Ok(View(updated.Value)) : WixErrors.ToResult(updated.Error);
    }

    private static PolicyEnvelope View(SiteView site) => new(new PolicyBody(site.RequireOwnerApproval, site.RequireEmailVerification));
}

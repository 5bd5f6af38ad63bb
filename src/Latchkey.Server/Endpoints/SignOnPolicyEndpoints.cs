using Latchkey.Core.Audit;
using Latchkey.Core.Features.SignOnPolicy;
using Latchkey.Core.Sites;
using Latchkey.Server.Admin;
using Latchkey.Server.Http;

namespace Latchkey.Server.Endpoints;

/// <summary>Sign-on policy (contract §7.1): GET and PATCH, admin API key; a PATCH is audited as <c>site.updated</c>.</summary>
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
        return caller.IsSuccess ? WixResults.Ok(View(caller.Value!.Site)) : WixErrors.ToResult(caller.Error!);
    }

    private static async Task<IResult> PatchAsync(
        HttpRequest request, CallerResolver callers, UpdateSignOnPolicy step, AdminAudit audit, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error!);
        }

        var body = await RequestBody.ReadAsync<PolicyEnvelope>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error!);
        }

        var patch = body.Value!.SignOnPolicy ?? new PolicyBody(null, null);
        var site = await step.HandleAsync(caller.Value!.Site, new SignOnPolicyPatch(patch.RequireOwnerApproval, patch.RequireEmailVerification), cancellationToken);
        await audit.RecordAsync(AdminActor.For(caller.Value.ApiKey!), site.Id, AuditActions.SiteUpdated, "site", site.Id.ToString(),
            new SitePatch(RequireOwnerApproval: patch.RequireOwnerApproval, RequireEmailVerification: patch.RequireEmailVerification), cancellationToken);
        return WixResults.Ok(View(site));
    }

    private static PolicyEnvelope View(Site site) => new(new PolicyBody(site.RequireOwnerApproval, site.RequireEmailVerification));
}

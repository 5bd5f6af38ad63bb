using Latchkey.Core.Sites;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// A site's password rules and enumeration settings for admins (docs/policies.md#passwords,
/// docs/abuse-protection.md#enumeration): <c>GET</c>/<c>PATCH</c> <c>/admin/v1/password-policy</c> and
/// <c>/admin/v1/enumeration-policy</c>. RFC 9457 problems; absent fields keep their value.
/// </summary>
public static class AdminPolicyEndpoints
{
    public sealed record PasswordPolicyBody(int? MinLength, int? MaxLength, bool? CheckBreached, int? MinStrength);

    public sealed record EnumerationPolicyBody(bool? RevealUnknownEmail, bool? EnumerationSafeRegistration);

    public static void MapAdminPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/v1/password-policy", (HttpRequest request, CallerResolver callers, CancellationToken ct) =>
            WithSiteAsync(request, callers, site => Results.Json(PasswordView(site)), ct))
            .Own<PasswordPolicyBody>(ApiDocs.Admin, "The site's password policy");
        app.MapPatch("/admin/v1/password-policy", PatchPasswordAsync)
            .Own<PasswordPolicyBody, PasswordPolicyBody>(ApiDocs.Admin, "Change the site's password policy");
        app.MapGet("/admin/v1/enumeration-policy", (HttpRequest request, CallerResolver callers, CancellationToken ct) =>
            WithSiteAsync(request, callers, site => Results.Json(EnumerationView(site)), ct))
            .Own<EnumerationPolicyBody>(ApiDocs.Admin, "Whether the site reveals unknown emails");
        app.MapPatch("/admin/v1/enumeration-policy", PatchEnumerationAsync)
            .Own<EnumerationPolicyBody, EnumerationPolicyBody>(ApiDocs.Admin, "Change the site's enumeration policy");
    }

    private static async Task<IResult> WithSiteAsync(HttpRequest request, CallerResolver callers, Func<Site, IResult> view, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? view(caller.Value.Site) : Problems.ToResult(caller.Error);
    }

    private static async Task<IResult> PatchPasswordAsync(HttpRequest request, CallerResolver callers, SiteAdmin sites, CancellationToken cancellationToken) =>
        await PatchAsync<PasswordPolicyBody>(request, callers, sites,
            p => new SitePatch(PasswordMinLength: p.MinLength, PasswordMaxLength: p.MaxLength, PasswordCheckBreached: p.CheckBreached, PasswordMinStrength: p.MinStrength),
            v => new PasswordPolicyBody(v.PasswordMinLength, v.PasswordMaxLength, v.PasswordCheckBreached, v.PasswordMinStrength), cancellationToken);

    private static async Task<IResult> PatchEnumerationAsync(HttpRequest request, CallerResolver callers, SiteAdmin sites, CancellationToken cancellationToken) =>
        await PatchAsync<EnumerationPolicyBody>(request, callers, sites,
            p => new SitePatch(RevealUnknownEmail: p.RevealUnknownEmail, EnumerationSafeRegistration: p.EnumerationSafeRegistration),
            v => new EnumerationPolicyBody(v.RevealUnknownEmail, v.EnumerationSafeRegistration), cancellationToken);

    /// <summary>Both policies are parts of the site: the change goes through <see cref="SiteAdmin"/> (its rules, its audit).</summary>
    private static async Task<IResult> PatchAsync<T>(
        HttpRequest request, CallerResolver callers, SiteAdmin sites, Func<T, SitePatch> patch, Func<SiteView, object> view, CancellationToken cancellationToken)
        where T : class
    {
        var caller = await AdminCaller.ResolveAdminAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<T>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error);
        }

        var updated = await sites.UpdateAsync(caller.Value.Actor, caller.Value.Site.Id, patch(body.Value), cancellationToken);
        return AdminResults.From(updated, v => Results.Json(view(v)));
    }

    private static PasswordPolicyBody PasswordView(Site site) =>
        new(site.PasswordMinLength, site.PasswordMaxLength, site.PasswordCheckBreached, site.PasswordMinStrength);

    private static EnumerationPolicyBody EnumerationView(Site site) => new(site.RevealUnknownEmail, site.EnumerationSafeRegistration);
}

using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// A site's password rules and enumeration settings for admins (docs/policies.md#passwords,
/// docs/abuse-protection.md#enumeration): <c>GET</c>/<c>PATCH</c> <c>/admin/v1/password-policy</c> and
/// <c>/admin/v1/enumeration-policy</c>. RFC 9457 problems; absent fields keep their value. Both policies are parts of
/// the site: a change goes through <see cref="SiteAdmin"/> (its rules, its audit).
/// </summary>
public static class AdminPolicyEndpoints
{
    public sealed record PasswordPolicyBody(int? MinLength, int? MaxLength, bool? CheckBreached, int? MinStrength);

    public sealed record EnumerationPolicyBody(bool? RevealUnknownEmail, bool? EnumerationSafeRegistration);

    public static void MapAdminPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").RequireCaller(CallerKind.Admin);
        admin.MapGet("/password-policy", GetPassword)
            .Own(ApiDocs.Admin, "The site's password policy");
        admin.MapPatch("/password-policy", PatchPasswordAsync)
            .Own(ApiDocs.Admin, "Change the site's password policy");
        admin.MapGet("/enumeration-policy", GetEnumeration)
            .Own(ApiDocs.Admin, "Whether the site reveals unknown emails");
        admin.MapPatch("/enumeration-policy", PatchEnumerationAsync)
            .Own(ApiDocs.Admin, "Change the site's enumeration policy");
    }

    private static ApiResult<PasswordPolicyBody> GetPassword(Call call) => PasswordView(SiteView.From(call.Site));

    private static async Task<ApiResult<PasswordPolicyBody>> PatchPasswordAsync(Call<PasswordPolicyBody> call, SiteAdmin sites, CancellationToken cancellationToken) =>
        ApiResult.From(await sites.UpdateAsync(call.Actor(), call.Site.Id, new SitePatch(
            PasswordMinLength: call.Body.MinLength, PasswordMaxLength: call.Body.MaxLength,
            PasswordCheckBreached: call.Body.CheckBreached, PasswordMinStrength: call.Body.MinStrength), cancellationToken), PasswordView);

    private static ApiResult<EnumerationPolicyBody> GetEnumeration(Call call) => EnumerationView(SiteView.From(call.Site));

    private static async Task<ApiResult<EnumerationPolicyBody>> PatchEnumerationAsync(Call<EnumerationPolicyBody> call, SiteAdmin sites, CancellationToken cancellationToken) =>
        ApiResult.From(await sites.UpdateAsync(call.Actor(), call.Site.Id, new SitePatch(
            RevealUnknownEmail: call.Body.RevealUnknownEmail, EnumerationSafeRegistration: call.Body.EnumerationSafeRegistration), cancellationToken), EnumerationView);

    private static PasswordPolicyBody PasswordView(SiteView site) =>
        new(site.PasswordMinLength, site.PasswordMaxLength, site.PasswordCheckBreached, site.PasswordMinStrength);

    private static EnumerationPolicyBody EnumerationView(SiteView site) => new(site.RevealUnknownEmail, site.EnumerationSafeRegistration);
}

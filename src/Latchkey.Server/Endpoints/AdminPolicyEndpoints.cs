using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Http;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// A site's password rules and enumeration settings for admins (decisions §5, §6): <c>GET</c>/<c>PATCH</c>
/// <c>/admin/v1/password-policy</c> and <c>/admin/v1/enumeration-policy</c>. RFC 9457 problems; absent fields keep
/// their value.
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
            .Own<EnumerationPolicyBody>(ApiDocs.Admin, "Whether the site reveals unknown emails (decisions §5)");
        app.MapPatch("/admin/v1/enumeration-policy", PatchEnumerationAsync)
            .Own<EnumerationPolicyBody, EnumerationPolicyBody>(ApiDocs.Admin, "Change the site's enumeration policy");
    }

    private static async Task<IResult> WithSiteAsync(HttpRequest request, CallerResolver callers, Func<Site, IResult> view, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? view(caller.Value!.Site) : Problems.ToResult(caller.Error!);
    }

    private static async Task<IResult> PatchPasswordAsync(HttpRequest request, CallerResolver callers, ISiteStore sites, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error!);
        }

        var body = await RequestBody.ReadAsync<PasswordPolicyBody>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error!);
        }

        var site = caller.Value!.Site;
        var patch = body.Value!;
        var min = patch.MinLength ?? site.PasswordMinLength;
        var max = patch.MaxLength ?? site.PasswordMaxLength;
        var strength = patch.MinStrength ?? site.PasswordMinStrength;
        var violations = new List<FieldViolation>();
        // ASVS 2.1.1/2.1.2: at least 8 (NIST allows no less for a sole factor), and at least 64 must be allowed.
        if (min is < 8 or > 256)
        {
            violations.Add(new FieldViolation("minLength", "minLength is between 8 and 256.", "RANGE", "NUMBER"));
        }

        if (max is < 64 or > 1024 || max < min)
        {
            violations.Add(new FieldViolation("maxLength", "maxLength is between 64 and 1024 and not below minLength.", "RANGE", "NUMBER"));
        }

        if (strength is < 0 or > 4)
        {
            violations.Add(new FieldViolation("minStrength", "minStrength is a zxcvbn score from 0 (off) to 4.", "RANGE", "NUMBER"));
        }

        if (violations.Count > 0)
        {
            return Problems.ToResult(LatchkeyErrors.Validation([.. violations]));
        }

        site.PasswordMinLength = min;
        site.PasswordMaxLength = max;
        site.PasswordMinStrength = strength;
        site.PasswordCheckBreached = patch.CheckBreached ?? site.PasswordCheckBreached;
        await sites.UpdateAsync(site, cancellationToken);
        return Results.Json(PasswordView(site));
    }

    private static async Task<IResult> PatchEnumerationAsync(HttpRequest request, CallerResolver callers, ISiteStore sites, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error!);
        }

        var body = await RequestBody.ReadAsync<EnumerationPolicyBody>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error!);
        }

        var site = caller.Value!.Site;
        if (body.Value!.EnumerationSafeRegistration == true && !site.RequireEmailVerification)
        {
            // Without the email step a real registration answers SUCCESS with a working session token: no decoy can.
            return Problems.ToResult(LatchkeyErrors.Validation(new FieldViolation("enumerationSafeRegistration",
                "enumerationSafeRegistration needs requireEmailVerification on in the sign-on policy.", "PRECONDITION", "BOOLEAN")));
        }

        site.RevealUnknownEmail = body.Value.RevealUnknownEmail ?? site.RevealUnknownEmail;
        site.EnumerationSafeRegistration = body.Value.EnumerationSafeRegistration ?? site.EnumerationSafeRegistration;
        await sites.UpdateAsync(site, cancellationToken);
        return Results.Json(EnumerationView(site));
    }

    private static PasswordPolicyBody PasswordView(Site site) =>
        new(site.PasswordMinLength, site.PasswordMaxLength, site.PasswordCheckBreached, site.PasswordMinStrength);

    private static EnumerationPolicyBody EnumerationView(Site site) => new(site.RevealUnknownEmail, site.EnumerationSafeRegistration);
}

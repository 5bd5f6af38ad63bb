using System.Text.RegularExpressions;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The hosted pages' branding for admins (issue #8): <c>GET</c>/<c>PATCH /admin/v1/branding</c>. RFC 9457 problems;
/// absent fields keep their value, an empty <c>displayName</c> or <c>logoUrl</c> clears it.
/// </summary>
public static partial class AdminBrandingEndpoints
{
    public sealed record BrandingBody(string? DisplayName, string? LogoUrl, string? PrimaryColor, string? Language, bool? OfferMfaEnrolment);

    public static void MapAdminBrandingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/v1/branding", async (HttpRequest request, CallerResolver callers, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAsync(callers, request, ct);
            return caller.IsSuccess ? Results.Json(View(caller.Value.Site.Branding)) : Problems.ToResult(caller.Error);
        }).Own<BrandingBody>(ApiDocs.Admin, "The site's branding of the hosted pages");
        app.MapPatch("/admin/v1/branding", PatchAsync)
            .Own<BrandingBody, BrandingBody>(ApiDocs.Admin, "Change the site's branding (members omitted stay as they are)");
    }

    private static async Task<IResult> PatchAsync(HttpRequest request, CallerResolver callers, ISiteStore sites, AdminAudit audit, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<BrandingBody>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error);
        }

        var site = caller.Value.Site;
        var patch = body.Value;
        var next = new SiteBranding
        {
            DisplayName = patch.DisplayName is null ? site.Branding.DisplayName : Blank(patch.DisplayName),
            LogoUrl = patch.LogoUrl is null ? site.Branding.LogoUrl : Blank(patch.LogoUrl),
            PrimaryColor = patch.PrimaryColor?.ToLowerInvariant() ?? site.Branding.PrimaryColor,
            Language = patch.Language ?? site.Branding.Language,
            OfferMfaEnrolment = patch.OfferMfaEnrolment ?? site.Branding.OfferMfaEnrolment,
        };
        var violations = Check(next);
        if (violations.Count > 0)
        {
            return Problems.ToResult(LatchkeyErrors.Validation([.. violations]));
        }

        site = site with { Branding = next };
        await sites.UpdateAsync(site, cancellationToken);
        // Which fields were sent, not their values: a logo can be a long data: URL.
        var changed = new[] { ("displayName", patch.DisplayName), ("logoUrl", patch.LogoUrl), ("primaryColor", patch.PrimaryColor), ("language", patch.Language) }
            .Where(f => f.Item2 is not null).Select(f => f.Item1).Concat(patch.OfferMfaEnrolment is null ? [] : ["offerMfaEnrolment"]).ToArray();
        await audit.RecordAsync(AdminActor.For(caller.Value.ApiKey!), site.Id, AuditActions.SiteUpdated, "site", site.Id.ToString(),
            new { branding = changed }, cancellationToken);
        return Results.Json(View(next));
    }

    private static List<FieldViolation> Check(SiteBranding branding)
    {
        var violations = new List<FieldViolation>();
        if (branding.DisplayName is { Length: > 100 })
        {
            violations.Add(new FieldViolation("displayName", "displayName has at most 100 characters.", "MAX_LENGTH", "STRING"));
        }

        // https only (a page served over TLS would not load plain http), or an inline image that loads nothing at all.
        if (branding.LogoUrl is { } logo && !(logo.Length <= SiteBranding.MaxLogoUrlLength &&
            (Uri.TryCreate(logo, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !logo.Contains('\'', StringComparison.Ordinal) ||
             DataImage().IsMatch(logo))))
        {
            violations.Add(new FieldViolation("logoUrl",
                $"logoUrl is an absolute https URL or a data:image/(png|jpeg|gif|webp|svg+xml);base64 URL of at most {SiteBranding.MaxLogoUrlLength} characters.",
                "FORMAT", "URL"));
        }

        if (!Colour().IsMatch(branding.PrimaryColor))
        {
            violations.Add(new FieldViolation("primaryColor", "primaryColor is a #rrggbb colour.", "FORMAT", "STRING"));
        }

        if (!SiteBranding.Languages.Contains(branding.Language))
        {
            violations.Add(new FieldViolation("language", $"language is one of: {string.Join(", ", SiteBranding.Languages)}.", "ENUM", "STRING"));
        }

        return violations;
    }

    private static string? Blank(string value) => value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    private static BrandingBody View(SiteBranding b) => new(b.DisplayName, b.LogoUrl, b.PrimaryColor, b.Language, b.OfferMfaEnrolment);

    [GeneratedRegex("^#[0-9a-f]{6}$")]
    private static partial Regex Colour();

    [GeneratedRegex("^data:image/(png|jpeg|gif|webp|svg\\+xml);base64,[A-Za-z0-9+/]+={0,2}$")]
    private static partial Regex DataImage();
}

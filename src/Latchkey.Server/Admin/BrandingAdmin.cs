using System.Text.RegularExpressions;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>
/// The hosted pages' branding of a site (issue #8): absent fields keep their value, an empty <c>displayName</c> or
/// <c>logoUrl</c> clears it; each change is audited with the fields it sent.
/// </summary>
public sealed partial class BrandingAdmin(ISiteStore sites, AdminAudit audit)
{
    /// <summary>The branding as the admin API shows it, and a change of it (null: keep).</summary>
    public sealed record BrandingBody(string? DisplayName, string? LogoUrl, string? PrimaryColor, string? Language, bool? OfferMfaEnrolment);

    public static BrandingBody View(SiteBranding b) => new(b.DisplayName, b.LogoUrl, b.PrimaryColor, b.Language, b.OfferMfaEnrolment);

    public async Task<Result<BrandingBody>> UpdateAsync(AdminActor actor, Site site, BrandingBody patch, CancellationToken cancellationToken)
    {
        var next = site.Branding with
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
            return LatchkeyErrors.Validation([.. violations]);
        }

        await sites.UpdateAsync(site with { Branding = next }, cancellationToken);
        // Which fields were sent, not their values: a logo can be a long data: URL.
        var changed = new[] { ("displayName", patch.DisplayName), ("logoUrl", patch.LogoUrl), ("primaryColor", patch.PrimaryColor), ("language", patch.Language) }
            .Where(f => f.Item2 is not null).Select(f => f.Item1).Concat(patch.OfferMfaEnrolment is null ? [] : ["offerMfaEnrolment"]).ToArray();
        await audit.RecordAsync(actor, site.Id, AuditActions.SiteUpdated, "site", site.Id.ToString(), new { branding = changed }, cancellationToken);
        return View(next);
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

    [GeneratedRegex("^#[0-9a-f]{6}$")]
    private static partial Regex Colour();

    [GeneratedRegex("^data:image/(png|jpeg|gif|webp|svg\\+xml);base64,[A-Za-z0-9+/]+={0,2}$")]
    private static partial Regex DataImage();
}

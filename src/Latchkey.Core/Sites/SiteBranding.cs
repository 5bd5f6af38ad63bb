namespace Latchkey.Core.Sites;

/// <summary>
/// How a site's hosted pages look and speak (issue #8): the name shown, a logo, the primary colour and the language.
/// Set through <c>PATCH /admin/v1/branding</c>; every field has a default, so a new site's pages work untouched.
/// </summary>
public sealed record SiteBranding
{
    /// <summary>The languages the hosted pages are translated into (resource files in the server).</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "de"];

    /// <summary>A data URL logo is kept in the sites row: 16 KiB of text at most.</summary>
    public const int MaxLogoUrlLength = 16_384;

    /// <summary>A dark blue with 8.6:1 contrast against white text.</summary>
    public const string DefaultPrimaryColor = "#1d4ed8";

    /// <summary>The name in the page header and titles; null shows the site's own name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// The logo: an absolute <c>https</c> URL (the pages' Content-Security-Policy then allows that one origin for
    /// images) or a <c>data:image/…;base64,</c> URL, which keeps every byte of the page on this server. Null: no logo.
    /// </summary>
    public string? LogoUrl { get; init; }

    /// <summary><c>#rrggbb</c> for buttons and links. Default <see cref="DefaultPrimaryColor"/>.</summary>
    public string PrimaryColor { get; init; } = DefaultPrimaryColor;

    /// <summary>One of <see cref="Languages"/>. Default <c>en</c>.</summary>
    public string Language { get; init; } = "en";

    /// <summary>
    /// After a password sign-in on the hosted pages, members without MFA are offered TOTP enrolment (with a QR code)
    /// before they return to the app; they may skip it. Default false.
    /// </summary>
    public bool OfferMfaEnrolment { get; init; }
}

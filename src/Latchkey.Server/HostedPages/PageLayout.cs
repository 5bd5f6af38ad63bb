using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Latchkey.Core.Sites;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The one layout of every hosted page: the site's name, logo and colour in a header, one <c>main</c> holding the
/// page's own <c>h1</c> and form, the local stylesheet, and headers that keep the page to this server: a strict
/// Content-Security-Policy (no inline script, styles only from here or with this response's nonce), no caching, no
/// framing, no referrer (reset links carry their token in the URL).
/// </summary>
public static class PageLayout
{
    public const string AssetsPath = "/_latchkey/assets";

    public static IResult Render(
        HttpContext http, Site site, PageText text, string title, string body, int status = 200, IEnumerable<string>? formTargets = null,
        bool withCaptcha = false)
    {
        var e = HtmlEncoder.Default;
        var brand = site.Branding;
        var name = brand.DisplayName ?? site.Name;
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var logo = brand.LogoUrl is { } url ? $"""<img class="lk-logo" src="{e.Encode(url)}" alt="" width="40" height="40">""" : "";
        // Named, so a browser never asks for /favicon.ico (a 404 on every first visit): the site's logo, or Latchkey's.
        var icon = e.Encode(brand.LogoUrl ?? AssetsPath + "/favicon.svg");
        var captcha = withCaptcha
            ? $"""<link rel="stylesheet" href="{AssetsPath}/altcha.css"><script type="module" src="{AssetsPath}/altcha.js"></script>"""
            : "";
        var html = $"""
            <!doctype html>
            <html lang="{text.Language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{e.Encode(title)} · {e.Encode(name)}</title>
            <link rel="icon" href="{icon}">
            <link rel="stylesheet" href="{AssetsPath}/hosted.css">
            <style nonce="{nonce}">:root {'{'} --lk-primary: {brand.PrimaryColor}; --lk-on-primary: {OnPrimary(brand.PrimaryColor)}; {'}'}</style>
            {captcha}
            </head>
            <body>
            <header class="lk-brand">{logo}<span class="lk-brand-name">{e.Encode(name)}</span></header>
            <main class="lk-card">
            {body}
            </main>
            </body>
            </html>
            """;

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Policy(nonce, brand.LogoUrl, formTargets ?? []);
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>
    /// <c>form-action</c> also governs the redirects that follow a form post (Chromium enforces it), so it names the
    /// origin of the client's validated redirect URI: the sign-in post ends there with the code.
    /// </summary>
    private static string Policy(string nonce, string? logoUrl, IEnumerable<string> formTargets)
    {
        var logoOrigin = logoUrl is not null && logoUrl.StartsWith("https://", StringComparison.Ordinal) &&
                         Uri.TryCreate(logoUrl, UriKind.Absolute, out var logo) ? " " + logo.GetLeftPart(UriPartial.Authority) : "";
        var targets = string.Concat(formTargets
            .Select(t => Uri.TryCreate(t, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>().Distinct().Select(origin => " " + origin));
        return $"default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'self' 'nonce-{nonce}'; " +
               $"img-src 'self' data:{logoOrigin}; form-action 'self'{targets}; frame-ancestors 'none'; base-uri 'none'";
    }

    /// <summary>
    /// Black or white text on the primary colour, whichever contrasts more: with pure black and white the better of
    /// the two is always at least 4.58:1, so any brand colour passes WCAG AA for the button text.
    /// </summary>
    public static string OnPrimary(string hex)
    {
        var background = Luminance(hex);
        return (1.05 / (background + 0.05)) >= ((background + 0.05) / 0.05) ? "#ffffff" : "#000000";
    }

    public static double Luminance(string hex)
    {
        static double Channel(string hex, int at)
        {
            var c = Convert.ToInt32(hex.Substring(at, 2), 16) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(hex, 1)) + (0.7152 * Channel(hex, 3)) + (0.0722 * Channel(hex, 5));
    }
}

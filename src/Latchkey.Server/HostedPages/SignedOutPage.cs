using Latchkey.Core.Sites;

namespace Latchkey.Server.HostedPages;

/// <summary>Shown by logout when no post-logout redirect was asked for: in the site's branding when the client is known.</summary>
public static class SignedOutPage
{
    public static IResult Render(HttpContext http, Site? site)
    {
        site ??= new Site { Name = "Latchkey" };
        var text = PageText.For(site.Branding.Language);
        return PageLayout.Render(http, site, text, text["signedOut.title"],
            PageHtml.Heading(text["signedOut.title"]) + PageHtml.Paragraph(text["signedOut.body"]));
    }
}

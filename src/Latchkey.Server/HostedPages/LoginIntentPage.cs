using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// Where the login intent of a redirect session leads (docs/wire/redirects.md#login-intent):
/// <c>/sign-in?clientId=…&amp;postFlowUrl=…&amp;prompt=login</c>. With <c>prompt=login</c> it is the hosted sign in, as
/// Wix's login page is, whoever is signed in; the hosted flow returns here without it once the browser has its session
/// cookie, and this sends the browser back to the site's <c>postFlowUrl</c> with <c>wixMemberLoggedIn=true</c> (or says
/// "you are signed in" when the site gave none). The client and the <c>postFlowUrl</c> are checked at every visit
/// (<see cref="HostedFlow"/>): the query is the browser's, so a changed one gets an error page, never a redirect.
/// </summary>
public static class LoginIntentPage
{
    public const string Path = "/sign-in";

    /// <summary>The URL a redirect session's login intent answers, on <paramref name="publicBase"/>.</summary>
    public static (string Endpoint, Dictionary<string, string> Parameters) Url(string publicBase, string clientId, Uri? postFlowUrl)
    {
        var parameters = new Dictionary<string, string> { ["clientId"] = clientId };
        if (postFlowUrl is not null)
        {
            parameters["postFlowUrl"] = postFlowUrl.AbsoluteUri;
        }

        parameters["prompt"] = "login";
        return (publicBase + Path, parameters);
    }

    /// <summary>
    /// A flow's query belongs to the login intent when it is not an authorize request: one of those always names its
    /// response type, and authorize refuses it without one.
    /// </summary>
    public static bool Is(IReadOnlyDictionary<string, StringValues> query) =>
        !query.ContainsKey("responseType") && !query.ContainsKey("response_type");

    public static void Map(IEndpointRouteBuilder app) => app.MapGet(Path, ShowAsync);

    private static async Task<IResult> ShowAsync(HttpContext http, HostedFlow flow, SessionService sessions, CancellationToken cancellationToken)
    {
        // An authorize query here is no login intent: its flow would end at authorize, not at a postFlowUrl.
        if (await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { IsLoginIntent: true } context)
        {
            return Unusable(http);
        }

        if (http.Request.Query["prompt"] == "login" ||
            await context.BrowserSessionAsync(sessions, cancellationToken) is null)
        {
            return SignInPage.Render(context, error: null);
        }

        return context.PostFlowUrl is { } target
            ? Results.Redirect(QueryHelpers.AddQueryString(target.AbsoluteUri, "wixMemberLoggedIn", "true"), permanent: false, preserveMethod: false)
            : context.Page(context.Text["signedIn.title"], PageHtml.Heading(context.Text["signedIn.title"]) + PageHtml.Paragraph(context.Text["signedIn.body"]));
    }

    /// <summary>An unknown client or a <c>postFlowUrl</c> the client does not allow: 400, in Latchkey's own look.</summary>
    private static IResult Unusable(HttpContext http)
    {
        var site = new Site { Name = "Latchkey" };
        var text = PageText.For(site.Branding.Language);
        return PageLayout.Render(http, site, text, text["signInLink.title"],
            PageHtml.Heading(text["signInLink.title"]) + PageHtml.Paragraph(text["signInLink.body"]), StatusCodes.Status400BadRequest);
    }
}

using Latchkey.Core.Sessions;
using Latchkey.Server.HostedPages;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// The member's connected accounts (docs/flows/social-sign-in.md#listing-and-unlinking): the identities linked to the
/// member signed in in this browser, each with a button that disconnects it, the hosted counterpart of
/// <c>/_api/latchkey/identities/v1/my</c>. A site links to it with its client id and, to come back, an allow-listed
/// <c>postFlowUrl</c> (as a login intent does); without a browser session it asks for a sign-in first. A GET changes
/// nothing; a disconnect is a form post with the antiforgery token, audited with actor <c>member</c>.
/// </summary>
public static class IdentitiesPage
{
    public const string Path = "/oauth2/authorize/identities";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowAsync).ExcludeFromDescription();
        app.MapPost(Path, DisconnectAsync).ExcludeFromDescription().HostedForm(async post =>
            await post.Context.BrowserSessionAsync(post.Http.RequestServices.GetRequiredService<SessionService>(), post.Http.RequestAborted) is { } session
                ? await RenderAsync(post.Context, post.Http.RequestServices.GetRequiredService<IdentityLinks>(), session, post.Expired, notice: null, post.Http.RequestAborted)
                : Results.Redirect(post.Context.SignInUrl));
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, HostedFlow flow, SessionService sessions, IdentityLinks links, CancellationToken cancellationToken) =>
        await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { } context ? Results.BadRequest()
        : await context.BrowserSessionAsync(sessions, cancellationToken) is not { } session ? Results.Redirect(context.SignInUrl)
        : await RenderAsync(context, links, session, error: null, notice: null, cancellationToken);

    private static async Task<IResult> DisconnectAsync(HostedPost post, SessionService sessions, IdentityLinks links, CancellationToken cancellationToken)
    {
        if (await post.Context.BrowserSessionAsync(sessions, cancellationToken) is not { } session)
        {
            return Results.Redirect(post.Context.SignInUrl);
        }

        var text = post.Context.Text;
        var listed = await links.ListAsync(post.Context.Site.Id, session.Member.Id, cancellationToken);
        // Only one of this member's own identities: any other id is answered as one that is already gone.
        var identity = listed.IsSuccess && Guid.TryParse(post.Field("identity"), out var id) ? listed.Value.FirstOrDefault(i => i.Id == id) : null;
        if (identity is null || (await links.UnlinkAsync(post.Context.Site.Id, session.Member.Id, identity.Id, admin: null, cancellationToken)).IsFailure)
        {
            return await RenderAsync(post.Context, links, session, text.Error(Core.Errors.LatchkeyErrors.LinkedIdentityNotFound), notice: null, cancellationToken, status: 404);
        }

        return await RenderAsync(post.Context, links, session, error: null, text.Format("identities.disconnected", identity.ProviderName), cancellationToken);
    }


    private static async Task<IResult> RenderAsync(
        HostedContext context, IdentityLinks links, RedeemedSession session, string? error, string? notice, CancellationToken cancellationToken, int status = 200)
    {
        var t = context.Text;
        var listed = await links.ListAsync(context.Site.Id, session.Member.Id, cancellationToken);
        var identities = listed.IsSuccess ? listed.Value : [];
        var list = identities.Count == 0
            ? PageHtml.Paragraph(t["identities.none"])
            : PageHtml.Paragraph(t["identities.intro"]) + $"""
                <ul class="lk-identities">
                {string.Concat(identities.Select(i => $"""
                    <li><div><span class="lk-identity-name">{PageHtml.Encode(i.ProviderName)}</span>{(i.Email is null ? "" : $"""<span class="lk-identity-email">{PageHtml.Encode(i.Email)}</span>""")}</div>
                    {context.Form(Path, $"""<button type="submit" class="lk-button lk-secondary" aria-label="{PageHtml.Encode(t.Format("identities.disconnect", i.ProviderName))}">{PageHtml.Encode(t["identities.disconnectShort"])}</button>""", ("identity", i.Id.ToString()))}</li>
                    """))}
                </ul>
                """;
        var back = context.PostFlowUrl?.AbsoluteUri ?? context.ContinueUrl;
        var body = $"""
            {PageHtml.Heading(t["identities.title"])}
            {PageHtml.Alert(error)}
            {PageHtml.Notice(notice)}
            {list}
            <p class="lk-links">{PageHtml.Link(back, t["identities.back"])}</p>
            """;
        return context.Page(t["identities.title"], body, status);
    }
}

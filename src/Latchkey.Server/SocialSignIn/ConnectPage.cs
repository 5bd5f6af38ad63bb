using Latchkey.Core.Features.SocialSignIn;
using Latchkey.Core.Sessions;
using Latchkey.Core.SocialSignIn;
using Latchkey.Server.HostedPages;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// "Connect your Example ID account?" (docs/flows/social-sign-in.md#linking-after-a-sign-in): asked once the member that
/// a social identity waited for has signed in, in the browser that holds the <see cref="PendingLink"/>. Nothing is
/// linked without the member's "Connect": a link value planted in someone's browser (a shared computer, a sibling
/// host's cookie) meets a question its victim did not expect, not a silent link. Either answer ends the wait and goes
/// on to the flow's return; a GET changes nothing.
/// </summary>
public static class ConnectPage
{
    public const string Path = HostedContext.ConnectPath;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowAsync).ExcludeFromDescription();
        app.MapPost(Path, AnswerAsync).HostedForm(async post =>
            await AskAsync(post.Context, post.Http.RequestServices.GetRequiredService<SessionService>(), post.Expired, post.Http.RequestAborted))
            .ExcludeFromDescription();
    }

    private static async Task<IResult> ShowAsync(HttpContext http, HostedFlow flow, SessionService sessions, CancellationToken cancellationToken) =>
        await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { } context
            ? Results.BadRequest()
            : await AskAsync(context, sessions, error: null, cancellationToken);

    private static async Task<IResult> AnswerAsync(HostedPost post, SessionService sessions, LinkAfterSignIn link, CancellationToken cancellationToken)
    {
        var context = post.Context;
        if (await Waiting(context, sessions, cancellationToken) is not { } waiting)
        {
            return Gone(context);
        }

        if (post.Form.ContainsKey("connect"))
        {
            await link.HandleAsync(waiting.Pending, waiting.Member, cancellationToken);
        }

        PendingLinkCookie.Clear(context.Http, context.Site.Id);
        return Results.Redirect(context.ContinueUrl, permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> AskAsync(HostedContext context, SessionService sessions, string? error, CancellationToken cancellationToken)
    {
        if (await Waiting(context, sessions, cancellationToken) is not { } waiting)
        {
            return Gone(context);
        }

        var t = context.Text;
        var pending = waiting.Pending;
        var body = $"""
            {PageHtml.Heading(t.Format("connect.title", pending.ProviderName))}
            {PageHtml.Alert(error)}
            {PageHtml.Paragraph(t.Format("connect.question", pending.ProviderName, pending.Email))}
            {context.Form(Path, PageHtml.Button(t["connect.yes"], name: "connect") + PageHtml.Button(t["connect.no"], kind: "secondary"))}
            """;
        return context.Page(t.Format("connect.title", pending.ProviderName), body);
    }

    /// <summary>The identity waiting for the member signed in in this browser, or null.</summary>
    private static async Task<(PendingLink Pending, Core.Members.Member Member)?> Waiting(HostedContext context, SessionService sessions, CancellationToken cancellationToken) =>
        context.PendingLink is { } pending &&
        await context.BrowserSessionAsync(sessions, cancellationToken) is { } session &&
        LinkAfterSignIn.IsFor(pending, session.Member)
            ? (pending, session.Member)
            : null;

    /// <summary>Nothing waits for this browser's member (anymore): the flow goes on, and a stray link value is dropped.</summary>
    private static IResult Gone(HostedContext context)
    {
        PendingLinkCookie.Clear(context.Http, context.Site.Id);
        return Results.Redirect(context.ContinueUrl, permanent: false, preserveMethod: false);
    }
}

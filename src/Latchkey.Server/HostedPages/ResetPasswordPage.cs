using Latchkey.Core.Errors;
using Latchkey.Core.Features.Recovery;
using Latchkey.Core.Sessions;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The reset page the recovery email links to. The link's token names the flow, hence the site whose branding the
/// page wears; a link that no longer works shows its end state at once, with the way to a new one. It never sends the token on (<c>Referrer-Policy: no-referrer</c>), checks CSRF, and on success
/// returns the member where the email was asked for: the hosted sign in (a path here) or the allow-listed
/// <c>redirect.url</c> given to the API (a redirect). Asked for from the hosted pages, a completed recovery also signs
/// the browser in (issue #21: the owner who proved the mailbox is not sent back to a sign-in an attacker keeps
/// challenging): the session cookie is set and the confirmation's link continues to authorize, which answers the code.
/// When a second factor or another step still stands in the way, the link leads to sign in as before.
/// </summary>
public static class ResetPasswordPage
{
    public const string Path = "/recovery/reset-password";

    public static string Url(PublicBaseUrl baseUrl) => baseUrl.ForEmail() + Path;

    public static void MapResetPasswordPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowAsync);
        app.MapPost(Path, SubmitAsync).AnsweredBefore<ResetPost>(post => ValueTask.FromResult(Unusable(post)));
    }

    /// <summary>The link is checked as the page opens: a used or expired one gets its end state, not a form that fails later.</summary>
    private static async Task<IResult> ShowAsync(HttpContext http, string? token, string? flow, CancellationToken cancellationToken)
    {
        var link = await ResetLink.FindAsync(http.RequestServices, token ?? "", flow, cancellationToken);
        return link.Usable is null ? Ended(http, link) : Render(http, link, token ?? "", flow, error: null);
    }

    private static async Task<IResult> SubmitAsync(
        ResetPost post, RecoverPassword step, HostedFlow hosted, SessionService sessions, CancellationToken cancellationToken)
    {
        if (post.Form["password"] != post.Form["confirm"])
        {
            return Render(post.Http, post.Link, post.Token, post.FlowId, null, confirmError: post.Link.Text["reset.mismatch"]);
        }

        var result = await step.HandleAsync(post.Site, new RecoverInput(post.Token, post.Form["password"]), cancellationToken);
        return result.IsSuccess ? await DoneAsync(post, result.Value, hosted, sessions, cancellationToken) : Failed(post, result.Error);
    }

    /// <summary>A post the handler must not see: not a form (400), a link that no longer works (its end state), an expired form.</summary>
    private static IResult? Unusable(ResetPost post) =>
        !post.IsForm ? Results.BadRequest()
        : post.Link.Usable is null ? Ended(post.Http, post.Link)
        : !post.CsrfValid ? Render(post.Http, post.Link, post.Token, post.FlowId, post.Link.Text["form.expired"])
        : null;

    /// <summary>A password the rules refuse under its input; a link used in another tab a moment ago, the same end state as opening a used link.</summary>
    private static IResult Failed(ResetPost post, LatchkeyError failure)
    {
        var (site, text) = (post.Site, post.Link.Text);
        return failure.Is(LatchkeyErrors.ValidationFailed)
            ? Render(post.Http, post.Link, post.Token, post.FlowId, null,
                passwordError: failure.Violations.Select(v => text.Violation(v, site.PasswordMinLength, site.PasswordMaxLength)).First())
            : failure.Is(LatchkeyErrors.RecoveryTokenInvalid)
                ? Ended(post.Http, post.Link with { Usable = null })
                : Render(post.Http, post.Link, post.Token, post.FlowId, text.Error(failure));
    }

    /// <summary>
    /// The hosted forgot-password page stores its own sign-in path; the API stores an allow-listed absolute URL (a
    /// redirect). Back to the hosted sign in, the browser is signed in when no further step stands in the way.
    /// </summary>
    private static async Task<IResult> DoneAsync(
        ResetPost post, RecoveryOutcome recovered, HostedFlow hosted, SessionService sessions, CancellationToken cancellationToken)
    {
        var returnTo = recovered.ReturnTo;
        var hostedQuery = returnTo is null ? null : HostedContext.HostedReturnQuery(returnTo);
        if (returnTo is not null && hostedQuery is null)
        {
            return Results.Redirect(returnTo, permanent: false, preserveMethod: false);
        }

        return hostedQuery is not null &&
               await hosted.FromQueryAsync(post.Http, hostedQuery, cancellationToken) is { } context &&
               await context.SignInAsync(recovered.Outcome, sessions, cancellationToken) is { IsSuccess: true }
            ? Done(post, "reset.signedIn", $"""<p class="lk-links">{PageHtml.Link(context.AfterSignInUrl(recovered.Outcome.Member), post.Link.Text["mfaDone.continue"])}</p>""")
            : Done(post, "reset.done", returnTo is null ? "" : $"""<p class="lk-links">{PageHtml.Link(returnTo, post.Link.Text["signIn.title"])}</p>""");
    }

    private static IResult Done(ResetPost post, string message, string link)
    {
        var text = post.Link.Text;
        return PageLayout.Render(post.Http, post.Site, text, text["reset.doneTitle"],
            PageHtml.Heading(text["reset.doneTitle"]) + PageHtml.Paragraph(text[message]) + link);
    }

    /// <summary>
    /// The end state of a link that no longer works, and the way to a new one: the hosted forgot-password page of the
    /// same sign-in when the link came from there, else back to the site that asked for it.
    /// </summary>
    private static IResult Ended(HttpContext http, ResetLink link)
    {
        var text = link.Text;
        var returnTo = link.Named?.ReturnTo;
        var way = returnTo switch
        {
            null => "",
            _ when HostedContext.HostedReturnQuery(returnTo) is { } hostedQuery =>
                PageHtml.Link(ForgotPasswordPage.Path + hostedQuery, text["reset.newLink"]),
            _ => PageHtml.Link(returnTo, text["reset.backToSite"]),
        };
        var body = PageHtml.Heading(text["reset.endedTitle"]) + PageHtml.Paragraph(text["reset.ended"]) +
                   (way.Length > 0 ? $"""<p class="lk-links">{way}</p>""" : "");
        return PageLayout.Render(http, link.Site, text, text["reset.endedTitle"], body, StatusCodes.Status410Gone);
    }

    /// <summary>The form of a link that still works.</summary>
    private static IResult Render(
        HttpContext http, ResetLink link, string token, string? flowId, string? error, string? passwordError = null, string? confirmError = null)
    {
        var (site, text) = (link.Site, link.Text);
        var body = $"""
            {PageHtml.Heading(text["reset.title"])}
            {PageHtml.Alert(error)}
            <form method="post" action="{Path}">
            {PageHtml.Antiforgery(http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http))}
            {PageHtml.Hidden("token", token)}
            {PageHtml.Hidden("flow", flowId ?? "")}
            {PageHtml.Fields(
            [
                new FormField("password", text["field.newPassword"], "password", "new-password")
                {
                    Error = passwordError, MinLength = site.PasswordMinLength, Hint = text.Format("field.passwordHint", site.PasswordMinLength),
                },
                new FormField("confirm", text["field.confirm"], "password", "new-password") { Error = confirmError },
            ])}
            {PageHtml.Button(text["reset.submit"])}
            </form>
            """;
        var failed = error is not null || passwordError is not null || confirmError is not null;
        // The success redirect to an absolute redirect.url follows this form's post: form-action must allow its origin.
        return PageLayout.Render(http, site, text, text["reset.title"], body, failed ? 400 : 200, link.Usable?.ReturnTo is { } returnTo ? [returnTo] : null);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Recovery;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// Forgot password (Send Recovery Email behind a form): always the same "check your email" answer, known email or
/// not (docs/wire/state-machine.md#flows-and-states-in-latchkey), throttled per address and site only, never per
/// account. The emailed link opens the reset page, which leads back to sign in for this same authorize request.
/// </summary>
public static class ForgotPasswordPage
{
    public const string Path = "/oauth2/authorize/forgot-password";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, HostedFlow flow, CancellationToken ct) =>
            await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", ct) is { } context ? Render(context) : Results.BadRequest());
        app.MapPost(Path, SubmitAsync).HostedForm(post => Render(post.Context, post.Expired, post.Field("email").Trim()));
    }

    private static async Task<IResult> SubmitAsync(HostedPost post, SendRecoveryEmail step, PublicBaseUrl baseUrl, CancellationToken cancellationToken)
    {
        // The step's guard runs before the email's shape is looked at, so a malformed address counts like any other (the
        // step sends nothing to it). The link's flow returns to sign in for this authorize request (a path on this
        // server, never a caller's URL).
        var email = post.Field("email").Trim();
        var guarded = post.Guarded(GuardedAction.Recovery);
        var sent = await step.HandleAsync(guarded, email, ResetPasswordPage.Url(baseUrl), post.Context.SignInUrl, cancellationToken);
        return sent.IsFailure
            ? await post.FailedAsync(guarded, sent.Error, failure => Render(post.Context, post.Context.Text.Error(failure), email, failure.Status), cancellationToken)
            : Sent(post.Context, email);
    }

    /// <summary>"Check your email", known address or not; a malformed one is asked for again.</summary>
    private static IResult Sent(HostedContext context, string email)
    {
        if (!Latchkey.Core.Members.EmailAddress.Parse(email).IsSuccess)
        {
            return Render(context, null, email, emailError: context.Text["violation.email"]);
        }

        var t = context.Text;
        var body = $"""
            {PageHtml.Heading(t["forgot.sentTitle"])}
            {PageHtml.Paragraph(t.Format("forgot.sent", email))}
            <p class="lk-links">{PageHtml.Link(context.SignInUrl, t["forgot.back"])}</p>
            """;
        return context.Page(t["forgot.sentTitle"], body);
    }

    public static IResult Render(HostedContext context, string? error = null, string? email = null, int status = 400, string? emailError = null)
    {
        var t = context.Text;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("email", t["field.email"], "email", "email") { Value = email, Error = emailError, Hint = t["forgot.intro"] },
        ]) + context.Captcha(GuardedAction.Recovery) + PageHtml.Button(t["forgot.submit"]));
        var body = $"""
            {PageHtml.Heading(t["forgot.title"])}
            {PageHtml.Alert(error)}
            {form}
            <p class="lk-links">{PageHtml.Link(context.SignInUrl, t["forgot.back"])}</p>
            """;
        return context.Page(t["forgot.title"], body, error is null && emailError is null ? 200 : status, context.ShowsCaptcha(GuardedAction.Recovery));
    }
}

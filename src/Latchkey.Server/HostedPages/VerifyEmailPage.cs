using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Verification;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// Email verification during sign-up or sign-in: the 6-digit code from the email continues the flow
/// (docs/wire/verification.md#verify-during-authentication), "Send a new code" is the resend step (30 s apart, five
/// times). Both run under the same guard as the API.
/// </summary>
public static class VerifyEmailPage
{
    public const string Path = "/oauth2/authorize/verify-email";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, SubmitAsync).HostedForm(post => Render(post.Context, post.Field("state_token"), post.Expired));

    private static async Task<IResult> SubmitAsync(
        HostedPost post, VerifyEmailCode verify, ResendVerificationCode resend, CancellationToken cancellationToken)
    {
        var stateToken = post.Field("state_token");
        var guarded = post.Guarded(GuardedAction.Verification, captcha: false);
        if (post.Form["resend"] == "1")
        {
            return Resent(post.Context, stateToken, await resend.HandleAsync(guarded, stateToken, cancellationToken));
        }

        var outcome = await verify.HandleAsync(guarded, new VerifyEmailInput(stateToken, post.Field("code").Trim()), cancellationToken);
        return await post.ContinueAsync(outcome, failure => Failed(post.Context, stateToken, failure), cancellationToken);
    }

    private static IResult Resent(HostedContext context, string stateToken, Result<bool> sent) =>
        sent.IsSuccess
            ? Render(context, stateToken, error: null, notice: context.Text["verify.resent"])
            : Render(context, stateToken, context.Text.Error(sent.Error), status: sent.Error.Status);

    /// <summary>
    /// A refusal of the guard stays on this form with its status (429, or a CAPTCHA's), as does a wrong code: the flow is
    /// still alive. Any other failure (the flow ended) starts over at sign in.
    /// </summary>
    private static IResult Failed(HostedContext context, string stateToken, LatchkeyError failure) =>
        AbuseGuard.Refused(failure) ? Render(context, stateToken, context.Text.Error(failure), status: failure.Status)
        : failure.IsAny(LatchkeyErrors.VerificationCodeInvalid, LatchkeyErrors.ValidationFailed)
        ? Render(context, stateToken, failure.Is(LatchkeyErrors.ValidationFailed) ? context.Text["violation.code"] : context.Text.Error(failure))
        : SignInPage.Render(context, context.Text.Error(failure));

    public static IResult Render(HostedContext context, string stateToken, string? error, string? notice = null, int status = 400)
    {
        var t = context.Text;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("code", t["field.emailCode"], "text", "one-time-code") { Error = error, InputMode = "numeric", Hint = t["verify.intro"] },
        ]) + PageHtml.Button(t["verify.submit"]) +
            $"""<button type="submit" class="lk-button lk-secondary" name="resend" value="1" formnovalidate>{PageHtml.Encode(t["verify.resend"])}</button>""",
            ("state_token", stateToken));
        return context.Page(t["verify.title"], PageHtml.Heading(t["verify.title"]) + PageHtml.Notice(notice) + form, error is null ? 200 : status);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Verification;
using Latchkey.Core.Sessions;
using Latchkey.Server.AbuseProtection;
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

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, SubmitAsync).DisableAntiforgery();

    private static async Task<IResult> SubmitAsync(
        HttpContext http, HostedFlow flow, VerifyEmailCode verify, ResendVerificationCode resend, SessionService sessions, CancellationToken cancellationToken)
    {
        var (context, form, csrfValid) = await flow.FromFormAsync(http, cancellationToken);
        if (context is null)
        {
            return Results.BadRequest();
        }

        var stateToken = form["state_token"].ToString();
        if (!csrfValid)
        {
            return Render(context, stateToken, context.Text["form.expired"]);
        }

        var guarded = new GuardedRequest(context.Site, GuardedAction.Verification, null, GuardedRequests.Peer(http.Connection.RemoteIpAddress), []);
        if (form["resend"] == "1")
        {
            var sent = await resend.HandleAsync(guarded, stateToken, cancellationToken);
            return sent.IsSuccess
                ? Render(context, stateToken, error: null, notice: context.Text["verify.resent"])
                : Render(context, stateToken, context.Text.Error(sent.Error), status: sent.Error.Status);
        }

        var outcome = await verify.HandleAsync(guarded, new VerifyEmailInput(stateToken, form["code"].ToString().Trim()), cancellationToken);
        if (outcome.IsSuccess)
        {
            return await context.ContinueAsync(outcome.Value, sessions, cancellationToken);
        }

        // A refusal of the guard stays on this form with its status (429, or a CAPTCHA's); the flow is still alive.
        var failure = outcome.Error;
        return AbuseGuard.Refused(failure) ? Render(context, stateToken, context.Text.Error(failure), status: failure.Status)
            : failure.IsAny(LatchkeyErrors.VerificationCodeInvalid, LatchkeyErrors.ValidationFailed)
            ? Render(context, stateToken, failure.Is(LatchkeyErrors.ValidationFailed) ? context.Text["violation.code"] : context.Text.Error(failure))
            : SignInPage.Render(context, context.Text.Error(failure));
    }

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

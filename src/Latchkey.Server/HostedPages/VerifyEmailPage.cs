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
        HttpContext http, HostedFlow flow, AbuseGuard guard, VerifyEmailCode verify, ResendVerificationCode resend, SessionService sessions,
        CancellationToken cancellationToken)
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

        var pass = await guard.CheckAsync(
            new GuardedRequest(context.Site, GuardedAction.Verification, null, GuardedRequests.Peer(http.Connection.RemoteIpAddress), []), cancellationToken);
        if (!pass.IsSuccess)
        {
            return Render(context, stateToken, context.Text.Error(pass.Error), status: pass.Error.Status);
        }

        if (form["resend"] == "1")
        {
            var sent = await resend.HandleAsync(context.Site.Id, stateToken, cancellationToken);
            return sent.IsSuccess
                ? Render(context, stateToken, error: null, notice: context.Text["verify.resent"])
                : Render(context, stateToken, context.Text.Error(sent.Error), status: sent.Error.Status);
        }

        var outcome = await verify.HandleAsync(context.Site.Id, new VerifyEmailInput(stateToken, form["code"].ToString().Trim()), cancellationToken);
        if (outcome.IsSuccess)
        {
            return await context.ContinueAsync(outcome.Value, sessions, cancellationToken);
        }

        return outcome.Error.IsAny(LatchkeyErrors.VerificationCodeInvalid, LatchkeyErrors.ValidationFailed)
            ? Render(context, stateToken, outcome.Error.Is(LatchkeyErrors.ValidationFailed) ? context.Text["violation.code"] : context.Text.Error(outcome.Error))
            : SignInPage.Render(context, context.Text.Error(outcome.Error));
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

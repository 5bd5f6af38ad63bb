using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Mfa;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sessions;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// TOTP enrolment with a QR code, offered after a password sign-in when the site asks for it
/// (<c>branding.offerMfaEnrolment</c>). The member is already signed in (the session cookie was just set), so this
/// is the member's own <c>/mfa/v1/totp/start</c> and <c>/confirm</c> behind a form; "Not now" and "Continue" both
/// return to authorize, which answers with the code. A GET changes nothing (issue #21: a cross-site link must not swap
/// the secret a member is scanning): the sign-in post starts the enrolment, a GET shows the pending one, and when none
/// is pending (it lapsed, or the page was opened directly) a button posts to start one.
/// </summary>
public static class MfaSetupPage
{
    public const string Path = "/oauth2/authorize/mfa-setup";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowAsync);
        app.MapPost(Path, SubmitAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, HostedFlow flow, SessionService sessions, ManageMfa mfa, CancellationToken cancellationToken)
    {
        if (await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { } context)
        {
            return Results.BadRequest();
        }

        if (await sessions.FromCookieAsync(context.Site.Id, SessionCookie.Read(http.Request), cancellationToken) is not { } session)
        {
            return Results.Redirect(context.SignInUrl);
        }

        if (session.Member.MfaEnabled)
        {
            return Results.Redirect(context.AuthorizeUrl);
        }

        return await mfa.PendingAsync(context.Site, session.Member.Id, cancellationToken) is { } pending
            ? Render(context, pending.Secret, pending.OtpAuthUri, error: null)
            : RenderStart(context);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, HostedFlow flow, SessionService sessions, ManageMfa mfa, CancellationToken cancellationToken)
    {
        var (context, form, csrfValid) = await flow.FromFormAsync(http, cancellationToken);
        if (context is null)
        {
            return Results.BadRequest();
        }

        if (await sessions.FromCookieAsync(context.Site.Id, SessionCookie.Read(http.Request), cancellationToken) is not { } session)
        {
            return Results.Redirect(context.SignInUrl);
        }

        if (form.ContainsKey("start"))
        {
            if (!csrfValid)
            {
                return RenderStart(context, context.Text["form.expired"]);
            }

            var started = await mfa.StartAsync(context.Site, session.Member.Id, cancellationToken);
            return started.IsSuccess ? Render(context, started.Value.Secret, started.Value.OtpAuthUri, error: null) : Results.Redirect(context.AuthorizeUrl);
        }

        // The secret travels in the form only to draw the same QR code again after a wrong code; the check below uses
        // the pending secret stored for this member, never this copy.
        var secret = form["secret"].ToString();
        var uri = Totp.OtpAuthUri(context.Site.Name, session.Member.Email, TryDecode(secret));
        if (!csrfValid)
        {
            return Render(context, secret, uri, context.Text["form.expired"]);
        }

        // The code passes the guard's rates as at /mfa/v1/totp/confirm: one step for both surfaces.
        var guarded = new GuardedRequest(context.Site, GuardedAction.Verification, null, GuardedRequests.Peer(http.Connection.RemoteIpAddress), []);
        var confirmed = await mfa.ConfirmAsync(guarded, session.Member.Id, form["code"].ToString().Trim(), cancellationToken);
        if (!confirmed.IsSuccess)
        {
            var failure = confirmed.Error;
            return failure.IsAny(LatchkeyErrors.MfaEnrolmentNotStarted, LatchkeyErrors.MfaAlreadyEnabled)
                ? Results.Redirect(context.PageUrl(Path))
                : Render(context, secret, uri, failure.Is(LatchkeyErrors.ValidationFailed) ? context.Text["violation.code"] : context.Text.Error(failure),
                    AbuseGuard.Refused(failure) ? failure.Status : 400);
        }

        var t = context.Text;
        var codes = string.Concat(confirmed.Value.Select(c => $"<li><code>{PageHtml.Encode(c)}</code></li>"));
        var body = $"""
            {PageHtml.Heading(t["mfaDone.title"])}
            {PageHtml.Paragraph(t["mfaDone.intro"])}
            <h2 id="codes-title">{PageHtml.Encode(t["mfaDone.codes"])}</h2>
            <ul class="lk-codes" aria-labelledby="codes-title">{codes}</ul>
            <p><a class="lk-button lk-primary" href="{PageHtml.Encode(context.AuthorizeUrl)}">{PageHtml.Encode(t["mfaDone.continue"])}</a></p>
            """;
        return context.Page(t["mfaDone.title"], body);
    }

    private static byte[] TryDecode(string secret)
    {
        try
        {
            return Base32.Decode(secret);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>No enrolment is pending: a button that starts one (a post, so that opening the page writes nothing).</summary>
    private static IResult RenderStart(HostedContext context, string? error = null)
    {
        var t = context.Text;
        var body = $"""
            {PageHtml.Heading(t["mfaSetup.title"])}
            {PageHtml.Alert(error)}
            {PageHtml.Paragraph(t["mfaSetup.startIntro"])}
            {context.Form(Path, PageHtml.Button(t["mfaSetup.start"]), ("start", "1"))}
            <p class="lk-links">{PageHtml.Link(context.AuthorizeUrl, t["mfaSetup.skip"])}</p>
            """;
        return context.Page(t["mfaSetup.title"], body, error is null ? 200 : 400);
    }

    private static IResult Render(HostedContext context, string secret, string otpAuthUri, string? error, int status = 400)
    {
        var t = context.Text;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("code", t["field.totpCode"], "text", "one-time-code") { Error = error, InputMode = "numeric" },
        ]) + PageHtml.Button(t["mfaSetup.submit"]), ("secret", secret));
        var body = $"""
            {PageHtml.Heading(t["mfaSetup.title"])}
            {PageHtml.Paragraph(t["mfaSetup.intro"])}
            <figure class="lk-qr-figure">{QrSvg.Render(otpAuthUri, "qr-label")}<figcaption id="qr-label">{PageHtml.Encode(t["mfaSetup.qrLabel"])}</figcaption></figure>
            <p>{PageHtml.Encode(t["mfaSetup.manual"])} <code class="lk-secret" id="totp-secret">{PageHtml.Encode(secret)}</code></p>
            {form}
            <p class="lk-links">{PageHtml.Link(context.AuthorizeUrl, t["mfaSetup.skip"])}</p>
            """;
        return context.Page(t["mfaSetup.title"], body, error is null ? 200 : status);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Mfa;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sessions;
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
        app.MapPost(Path, SubmitAsync).HostedForm(ExpiredAsync);
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, HostedFlow flow, SessionService sessions, ManageMfa mfa, CancellationToken cancellationToken) =>
        await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { } context ? Results.BadRequest()
        : await context.BrowserSessionAsync(sessions, cancellationToken) is not { } session ? Results.Redirect(context.SignInUrl)
        : session.Member.MfaEnabled ? Results.Redirect(context.ContinueUrl)
        : await mfa.PendingAsync(context.Site, session.Member.Id, cancellationToken) is { } pending
            ? Render(context, pending.Secret, pending.OtpAuthUri, error: null)
            : RenderStart(context);

    private static async Task<IResult> SubmitAsync(HostedPost post, SessionService sessions, ManageMfa mfa, CancellationToken cancellationToken) =>
        await post.Context.BrowserSessionAsync(sessions, cancellationToken) is not { } session ? Results.Redirect(post.Context.SignInUrl)
        : post.Form.ContainsKey("start") ? await StartAsync(post.Context, session.Member, mfa, cancellationToken)
        : await ConfirmAsync(post, session.Member, mfa, cancellationToken);

    /// <summary>An expired form is shown again once the member is known (without a session, sign in first).</summary>
    private static async ValueTask<IResult> ExpiredAsync(HostedPost post) =>
        await post.Context.BrowserSessionAsync(post.Http.RequestServices.GetRequiredService<SessionService>(), post.Http.RequestAborted) is not { } session
            ? Results.Redirect(post.Context.SignInUrl)
            : post.Form.ContainsKey("start") ? RenderStart(post.Context, post.Expired) : RenderAgain(post, session.Member, post.Expired);


    private static async Task<IResult> StartAsync(HostedContext context, Member member, ManageMfa mfa, CancellationToken cancellationToken)
    {
        var started = await mfa.StartAsync(context.Site, member.Id, cancellationToken);
        return started.IsSuccess ? Render(context, started.Value.Secret, started.Value.OtpAuthUri, error: null) : Results.Redirect(context.ContinueUrl);
    }

    private static async Task<IResult> ConfirmAsync(HostedPost post, Member member, ManageMfa mfa, CancellationToken cancellationToken)
    {
        // The code passes the guard's rates as at /mfa/v1/totp/confirm: one step for both surfaces.
        var confirmed = await mfa.ConfirmAsync(post.Guarded(GuardedAction.Verification, captcha: false), member.Id, post.Field("code").Trim(), cancellationToken);
        return confirmed.IsSuccess ? Confirmed(post.Context, confirmed.Value) : ConfirmFailed(post, member, confirmed.Error);
    }

    /// <summary>
    /// No enrolment to confirm (it lapsed, or is already done): the page again, which shows where things stand. A wrong
    /// code asks again under the same QR code (a refusal of the guard with its status).
    /// </summary>
    private static IResult ConfirmFailed(HostedPost post, Member member, LatchkeyError failure) =>
        failure.IsAny(LatchkeyErrors.MfaEnrolmentNotStarted, LatchkeyErrors.MfaAlreadyEnabled)
            ? Results.Redirect(post.Context.PageUrl(Path))
            : RenderAgain(post, member, failure.Is(LatchkeyErrors.ValidationFailed) ? post.Context.Text["violation.code"] : post.Context.Text.Error(failure),
                AbuseGuard.Refused(failure) ? failure.Status : 400);

    /// <summary>
    /// The form again after a wrong code or an expired form. The secret travels in the form only to draw the same QR code
    /// again; the check uses the pending secret stored for this member, never this copy.
    /// </summary>
    private static IResult RenderAgain(HostedPost post, Member member, string error, int status = 400)
    {
        var secret = post.Field("secret");
        return Render(post.Context, secret, Totp.OtpAuthUri(post.Context.Site.Name, member.Email, TryDecode(secret)), error, status);
    }

    /// <summary>Enrolled: the recovery codes, shown once, and the way on to authorize.</summary>
    private static IResult Confirmed(HostedContext context, IEnumerable<string> recoveryCodes)
    {
        var t = context.Text;
        var codes = string.Concat(recoveryCodes.Select(c => $"<li><code>{PageHtml.Encode(c)}</code></li>"));
        var body = $"""
            {PageHtml.Heading(t["mfaDone.title"])}
            {PageHtml.Paragraph(t["mfaDone.intro"])}
            <h2 id="codes-title">{PageHtml.Encode(t["mfaDone.codes"])}</h2>
            <ul class="lk-codes" aria-labelledby="codes-title">{codes}</ul>
            <p><a class="lk-button lk-primary" href="{PageHtml.Encode(context.ContinueUrl)}">{PageHtml.Encode(t["mfaDone.continue"])}</a></p>
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
            <p class="lk-links">{PageHtml.Link(context.ContinueUrl, t["mfaSetup.skip"])}</p>
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
            <p class="lk-links">{PageHtml.Link(context.ContinueUrl, t["mfaSetup.skip"])}</p>
            """;
        return context.Page(t["mfaSetup.title"], body, error is null ? 200 : status);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Sessions;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// Create an account (Register V2 behind a form): the same guard, password rules and enumeration setting as the
/// API, so a taken email is refused here exactly when the API would refuse it, and with enumeration-safe registration
/// on it leads to the same "check your email" page as a new one.
/// </summary>
public static class SignUpPage
{
    public const string Path = "/oauth2/authorize/sign-up";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, HostedFlow flow, CancellationToken ct) =>
            await flow.FromQueryAsync(http, http.Request.QueryString.Value ?? "", ct) is { } context ? Render(context) : Results.BadRequest());
        app.MapPost(Path, SubmitAsync).DisableAntiforgery();
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, HostedFlow flow, AbuseGuard guard, RegisterMember register, SessionService sessions, CancellationToken cancellationToken)
    {
        var (context, form, csrfValid) = await flow.FromFormAsync(http, cancellationToken);
        if (context is null)
        {
            return Results.BadRequest();
        }

        var email = form["email"].ToString();
        if (!csrfValid)
        {
            return Render(context, context.Text["form.expired"], email);
        }

        var guarded = new GuardedRequest(context.Site, GuardedAction.Register, null, GuardedRequests.Peer(http.Connection.RemoteIpAddress), HostedContext.CaptchaTokens(form));
        var outcome = await register.HandleAsync(guarded, new RegisterInput(email, form["password"], null), cancellationToken);
        if (outcome.IsSuccess)
        {
            return await context.ContinueAsync(outcome.Value, sessions, cancellationToken);
        }

        var failure = outcome.Error;
        await context.AskForCaptchaAfterAsync(guard, GuardedAction.Register, null, failure, cancellationToken);
        return failure.Is(LatchkeyErrors.ValidationFailed)
            ? Render(context, null, email, SignInPage.FieldError(context, failure, "email"), SignInPage.FieldError(context, failure, "password"))
            : failure.Is(LatchkeyErrors.EmailAlreadyExists)
                ? Render(context, null, email, context.Text.Error(failure))
                : Render(context, context.Text.Error(failure), email, status: failure.Status);
    }

    public static IResult Render(
        HostedContext context, string? error = null, string? email = null, string? emailError = null, string? passwordError = null, int status = 400)
    {
        var t = context.Text;
        var minLength = context.Site.PasswordMinLength;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("email", t["field.email"], "email", "email") { Value = email, Error = emailError },
            new FormField("password", t["field.password"], "password", "new-password")
            {
                Error = passwordError, Hint = t.Format("field.passwordHint", minLength), MinLength = minLength,
            },
        ]) + context.Captcha(GuardedAction.Register) + PageHtml.Button(t["signUp.submit"]));
        var body = $"""
            {PageHtml.Heading(t["signUp.title"])}
            {PageHtml.Alert(error)}
            {form}
            <p class="lk-links">{PageHtml.Encode(t["signUp.haveAccount"])} {PageHtml.Link(context.SignInUrl, t["signUp.signIn"])}</p>
            """;
        var failed = error is not null || emailError is not null || passwordError is not null;
        return context.Page(t["signUp.title"], body, failed ? status : 200, context.ShowsCaptcha(GuardedAction.Register));
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Registration;
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
        app.MapPost(Path, SubmitAsync).HostedForm(post => Render(post.Context, post.Expired, post.Field("email")));
    }

    private static async Task<IResult> SubmitAsync(HostedPost post, RegisterMember register, CancellationToken cancellationToken)
    {
        var email = post.Field("email");
        var guarded = post.Guarded(GuardedAction.Register);
        var outcome = await register.HandleAsync(guarded, new RegisterInput(email, post.Form["password"], null), cancellationToken);
        return await post.ContinueAsync(outcome, guarded, failure => Failed(post.Context, email, failure), cancellationToken);
    }

    /// <summary>Field problems and a taken email under their input; anything else (rates, CAPTCHA) above the form, with its status.</summary>
    private static IResult Failed(HostedContext context, string email, LatchkeyError failure) =>
        failure.Is(LatchkeyErrors.ValidationFailed)
            ? Render(context, null, email, SignInPage.FieldError(context, failure, "email"), SignInPage.FieldError(context, failure, "password"))
            : failure.Is(LatchkeyErrors.EmailAlreadyExists)
                ? Render(context, null, email, context.Text.Error(failure))
                : Render(context, context.Text.Error(failure), email, status: failure.Status);

    public static IResult Render(
        HostedContext context, string? error = null, string? email = null, string? emailError = null, string? passwordError = null, int status = 400)
    {
        var t = context.Text;
        var minLength = context.Site.PasswordMinLength;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("email", t["field.email"], "email", "email") { Value = email ?? context.PendingLink?.Email, Error = emailError },
            new FormField("password", t["field.password"], "password", "new-password")
            {
                Error = passwordError, Hint = t.Format("field.passwordHint", minLength), MinLength = minLength,
            },
        ]) + context.Captcha(GuardedAction.Register) + PageHtml.Button(t["signUp.submit"]));
        var body = $"""
            {PageHtml.Heading(t["signUp.title"])}
            {PageHtml.Alert(error)}
            {context.PendingLinkNotice()}
            {context.ProviderButtons()}
            {form}
            <p class="lk-links">{PageHtml.Encode(t["signUp.haveAccount"])} {PageHtml.Link(context.SignInUrl, t["signUp.signIn"])}</p>
            """;
        var failed = error is not null || emailError is not null || passwordError is not null;
        return context.Page(t["signUp.title"], body, failed ? status : 200, context.ShowsCaptcha(GuardedAction.Register));
    }
}

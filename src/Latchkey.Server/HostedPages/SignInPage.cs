using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Members;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// Sign in, the page <c>/oauth2/authorize</c> shows for <c>prompt=login</c> (or without a browser session). The form
/// posts to <c>/oauth2/authorize/login</c>, never to the OAuth endpoint, so a password never enters the protocol
/// engine or its logs. The same guard as Login V2 runs first (rates, CAPTCHA, account budget) and records the result.
/// </summary>
public static class SignInPage
{
    public const string Path = "/oauth2/authorize/login";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, SubmitAsync).HostedForm(post => Render(post.Context, post.Expired, post.Field("email")));

    private static async Task<IResult> SubmitAsync(HostedPost post, LogInMember login, CancellationToken cancellationToken)
    {
        var email = post.Field("email");
        var guarded = post.Guarded(GuardedAction.Login, EmailAddress.Parse(email).Value?.Normalized);
        var outcome = await login.HandleAsync(guarded, new LoginInput(email, post.Form["password"]), cancellationToken);
        return await post.ContinueAsync(outcome, guarded, failure => Failed(post.Context, email, failure), cancellationToken);
    }

    /// <summary>A refusal of the guard or of a busy hasher keeps its status (429, 503); a wrong password is a 400 page.</summary>
    private static IResult Failed(HostedContext context, string email, LatchkeyError failure) =>
        Render(context, error: null, email, failure, status: failure.Status >= 429 ? failure.Status : 400);

    /// <summary>
    /// The form; <paramref name="failure"/> is shown where it belongs: wrong credentials and field problems under
    /// their input, anything else (rates, CAPTCHA, a blocked account) above the form.
    /// </summary>
    public static IResult Render(HostedContext context, string? error, string? email = null, LatchkeyError? failure = null, int status = 400)
    {
        var t = context.Text;
        string? emailError = null, passwordError = null;
        if (failure?.Is(LatchkeyErrors.ValidationFailed) == true)
        {
            emailError = FieldError(context, failure, "email");
            passwordError = FieldError(context, failure, "password");
        }
        else if (failure?.IsAny(LatchkeyErrors.InvalidCredentials, LatchkeyErrors.MemberNotFound) == true)
        {
            passwordError = t.Error(failure);
        }
        else if (failure is not null)
        {
            error = t.Error(failure);
        }

        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("email", t["field.email"], "email", "username") { Value = email ?? context.PendingLink?.Email, Error = emailError },
            new FormField("password", t["field.password"], "password", "current-password") { Error = passwordError },
        ]) + context.Captcha(GuardedAction.Login) + PageHtml.Button(t["signIn.submit"]));
        var body = $"""
            {PageHtml.Heading(t["signIn.title"])}
            {PageHtml.Alert(error)}
            {context.PendingLinkNotice()}
            {context.ProviderButtons()}
            {form}
            <p class="lk-links">{PageHtml.Link(context.PageUrl(ForgotPasswordPage.Path), t["signIn.forgot"])}</p>
            <p class="lk-links">{PageHtml.Encode(t["signIn.noAccount"])} {PageHtml.Link(context.PageUrl(SignUpPage.Path), t["signIn.signUp"])}</p>
            """;
        var failed = error is not null || failure is not null;
        return context.Page(t["signIn.title"], body, failed ? status : 200, context.ShowsCaptcha(GuardedAction.Login));
    }

    /// <summary>The first violation of <paramref name="field"/>, in the page's language.</summary>
    public static string? FieldError(HostedContext context, LatchkeyError? failure, string field) =>
        failure?.Violations.FirstOrDefault(v => PageText.Field(v.Field) == field) is { } violation
            ? context.Text.Violation(violation, context.Site.PasswordMinLength, context.Site.PasswordMaxLength)
            : null;
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Mfa;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The second step for a member with MFA: a TOTP code or a recovery code continues the flow named by the state
/// token; a wrong code asks again on the same form while the flow allows (five tries per flow). Throttled per
/// address and site like <c>/v2/verify</c>.
/// </summary>
public static class MfaChallengePage
{
    public const string Path = "/oauth2/authorize/login/mfa";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, SubmitAsync).HostedForm(post => Render(post.Context, post.Field("state_token"), post.Expired));

    private static async Task<IResult> SubmitAsync(HostedPost post, VerifyMfaCode verify, CancellationToken cancellationToken)
    {
        var stateToken = post.Field("state_token");
        // Six digits are a TOTP code; anything else is tried as a recovery code.
        var code = post.Field("code").Trim();
        var factor = code.Length == 6 && code.All(char.IsAsciiDigit) ? "TOTP" : "RECOVERY_CODE";
        var outcome = await verify.HandleAsync(
            post.Guarded(GuardedAction.Verification, captcha: false), new VerifyMfaInput(stateToken, factor, code), cancellationToken);
        return await post.ContinueAsync(outcome, failure => Failed(post.Context, stateToken, failure), cancellationToken);
    }

    /// <summary>
    /// While the flow is alive, ask again on the same form (a refusal of the guard with its status, 429 or a
    /// CAPTCHA's); once it has ended, start over at sign in.
    /// </summary>
    private static IResult Failed(HostedContext context, string stateToken, LatchkeyError failure) =>
        AbuseGuard.Refused(failure) ? Render(context, stateToken, context.Text.Error(failure), failure.Status)
        : failure.IsAny(LatchkeyErrors.MfaCodeInvalid, LatchkeyErrors.TotpCodeReused, LatchkeyErrors.ValidationFailed)
        ? Render(context, stateToken, context.Text.Error(failure))
        : SignInPage.Render(context, context.Text.Error(failure));

    public static IResult Render(HostedContext context, string stateToken, string? error, int status = 400)
    {
        var t = context.Text;
        var form = context.Form(Path, PageHtml.Fields(
        [
            new FormField("code", t["field.mfaCode"], "text", "one-time-code") { Error = error, Hint = t["mfa.intro"] },
        ]) + PageHtml.Button(t["mfa.submit"]), ("state_token", stateToken));
        return context.Page(t["mfa.title"], PageHtml.Heading(t["mfa.title"]) + form, error is null ? 200 : status);
    }
}

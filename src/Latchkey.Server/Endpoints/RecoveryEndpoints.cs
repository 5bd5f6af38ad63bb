using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Recovery;
using Latchkey.Server.Callers;
using Latchkey.Server.HostedPages;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Recovery API (docs/wire/recovery.md#recovery-api): send-email (always 200,
/// docs/wire/state-machine.md#flows-and-states-in-latchkey), recover, and activation-email for trusted callers. The
/// emailed link opens Latchkey's reset page (<see cref="ResetPasswordPage"/>).
/// </summary>
public static class RecoveryEndpoints
{
    private static readonly string[] Prefixes = ["/_api/iam/recovery", "/_iam/recovery", "/iam/recovery"];

    public sealed record RedirectTarget(string? Url, string? ClientId)
    {
        /// <summary>The redirect to check; without a clientId, the caller's own client's redirect URIs allow it.</summary>
        public static RecoveryRedirect? For(RedirectTarget? target, Caller caller) =>
            target is null ? null : new(target.Url, target.ClientId ?? caller.ClientId);
    }

    public sealed record SendEmailRequest(string? Email, string? Language, RedirectTarget? Redirect, System.Text.Json.JsonElement? CaptchaTokens);

    public sealed record RecoverRequest(string? RecoveryToken, string? Password);

    public sealed record ActivationEmailOptions(string? Language, RedirectTarget? Redirect);

    public sealed record ActivationEmailRequest(string? IdentityId, ActivationEmailOptions? EmailOptions);

    public static void MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/v1/send-email", SendEmailAsync, "SendRecoveryEmail")
            .Wix(ApiDocs.WixRecovery, "Send a password recovery email (answers the same whether the email is known or not)");
        app.MapPost(Prefixes, "/v1/recover", RecoverAsync, "Recover")
            .Wix(ApiDocs.WixRecovery, "Set a new password with a recovery token");
        app.MapPost(Prefixes, "/v1/activation-email", ActivationEmailAsync, "SendActivationEmail")
            .RequireCaller(CallerKind.ApiKey, "Send Activation Email needs an API key.")
            .Wix(ApiDocs.WixRecovery, "Send an activation (set-password) email to a member (API key)");
    }

    /// <summary>Always the same answer, whether or not the email belongs to a member (no enumeration).</summary>
    private static async Task<ApiResult<ApiDocs.EmptyObject>> SendEmailAsync(
        Call<SendEmailRequest> call, SendRecoveryEmail step, PublicBaseUrl baseUrl, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(
                call.Guarded(GuardedAction.Recovery, captchaTokens: call.Body.CaptchaTokens), call.Body.Email,
                RedirectTarget.For(call.Body.Redirect, call.Caller), ResetPasswordPage.Url(baseUrl), cancellationToken),
            _ => new ApiDocs.EmptyObject());

    private static async Task<ApiResult<StateMachineResponse>> RecoverAsync(Call<RecoverRequest> call, RecoverPassword step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Site, new RecoverInput(call.Body.RecoveryToken, call.Body.Password), cancellationToken),
            recovered => StateMachineResponse.From(recovered.Outcome));

    private static async Task<ApiResult<ApiDocs.EmptyObject>> ActivationEmailAsync(
        Call<ActivationEmailRequest> call, SendRecoveryEmail step, PublicBaseUrl baseUrl, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.ActivateAsync(
                call.Site, call.Body.IdentityId, RedirectTarget.For(call.Body.EmailOptions?.Redirect, call.Caller), ResetPasswordPage.Url(baseUrl),
                cancellationToken),
            _ => new ApiDocs.EmptyObject());
}

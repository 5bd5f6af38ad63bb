using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Recovery;
using Latchkey.Core.Storage;
using Latchkey.Server.AbuseProtection;
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

    public sealed record RedirectTarget(string? Url, string? ClientId);

    public sealed record SendEmailRequest(string? Email, string? Language, RedirectTarget? Redirect, System.Text.Json.JsonElement? CaptchaTokens);

    public sealed record RecoverRequest(string? RecoveryToken, string? Password);

    public sealed record ActivationEmailOptions(string? Language, RedirectTarget? Redirect);

    public sealed record ActivationEmailRequest(string? IdentityId, ActivationEmailOptions? EmailOptions);

    public static void MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/v1/send-email", SendEmailAsync, "SendRecoveryEmail")
            .Wix<SendEmailRequest, ApiDocs.EmptyObject>(ApiDocs.WixRecovery, "Send a password recovery email (answers the same whether the email is known or not)");
        app.MapPost(Prefixes, "/v1/recover", RecoverAsync, "Recover")
            .Wix<RecoverRequest, StateMachineResponse>(ApiDocs.WixRecovery, "Set a new password with a recovery token");
        app.MapPost(Prefixes, "/v1/activation-email", ActivationEmailAsync, "SendActivationEmail")
            .Wix<ActivationEmailRequest, ApiDocs.EmptyObject>(ApiDocs.WixRecovery, "Send an activation (set-password) email to a member (API key)");
    }

    private static async Task<IResult> SendEmailAsync(
        HttpRequest request, CallerResolver callers, IClientStore clients, AbuseGuard guard, SendRecoveryEmail step, PublicBaseUrl baseUrl,
        CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<SendEmailRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        // Throttled per IP and site, never per account: a 429 for one email and not another would tell them apart.
        var pass = await guard.CheckAsync(
            GuardedRequests.For(request, caller.Value.Site, GuardedAction.Recovery, null, body.Value.CaptchaTokens), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var returnTo = await CheckRedirectAsync(body.Value.Redirect, caller.Value, clients, cancellationToken);
        if (!returnTo.IsSuccess)
        {
            return WixErrors.ToResult(returnTo.Error);
        }

        // Always the same answer, whether or not the email belongs to a member (no enumeration).
        await step.HandleAsync(caller.Value.Site, body.Value.Email, ResetPasswordPage.Url(baseUrl), returnTo.Value, cancellationToken);
        return WixResults.Ok(new ApiDocs.EmptyObject());
    }

    private static async Task<IResult> RecoverAsync(
        HttpRequest request, CallerResolver callers, RecoverPassword step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<RecoverRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var result = await step.HandleAsync(caller.Value.Site, new RecoverInput(body.Value.RecoveryToken, body.Value.Password), cancellationToken);
        return result.IsSuccess ? WixResults.Ok(StateMachineResponse.From(result.Value.Outcome)) : WixErrors.ToResult(result.Error);
    }

    private static async Task<IResult> ActivationEmailAsync(
        HttpRequest request, CallerResolver callers, IClientStore clients, IMemberStore members, SendRecoveryEmail step,
        PublicBaseUrl baseUrl, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        if (caller.Value.ApiKey is null)
        {
            return WixErrors.ToResult(LatchkeyErrors.PermissionDenied.WithDetail("Send Activation Email needs an API key."));
        }

        var body = await RequestBody.ReadAsync<ActivationEmailRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        if (!Guid.TryParse(body.Value.IdentityId, out var memberId) ||
            await members.FindAsync(caller.Value.Site.Id, memberId, cancellationToken) is not { } member)
        {
            return WixErrors.ToResult(LatchkeyErrors.MemberIdNotFound);
        }

        var returnTo = await CheckRedirectAsync(body.Value.EmailOptions?.Redirect, caller.Value, clients, cancellationToken);
        if (!returnTo.IsSuccess)
        {
            return WixErrors.ToResult(returnTo.Error);
        }

        await step.StartAsync(member, ResetPasswordPage.Url(baseUrl), returnTo.Value, RecoveryPurpose.Activate, cancellationToken);
        return WixResults.Ok(new ApiDocs.EmptyObject());
    }

    /// <summary>
    /// <c>redirect.url</c> must be an allowed authorization redirect URI of the client
    /// (docs/wire/recovery.md#send-recovery-email), exactly. The check does not depend on the email, so failing it
    /// reveals nothing about accounts.
    /// </summary>
    private static async Task<Result<string?>> CheckRedirectAsync(
        RedirectTarget? redirect, Caller caller, IClientStore clients, CancellationToken cancellationToken)
    {
        if (redirect?.Url is not { Length: > 0 } url)
        {
            return (string?)null;
        }

        var clientId = redirect.ClientId ?? caller.ClientId;
        if (clientId is null || await clients.FindAsync(clientId, cancellationToken) is not { } client || client.SiteId != caller.Site.Id)
        {
            return LatchkeyErrors.ClientNotFound.WithDetail("redirect.clientId does not name a client of this site.");
        }

        return client.RedirectUris.Contains(url, StringComparer.Ordinal)
            ? url
            : LatchkeyErrors.RedirectNotAllowed.WithDetail($"redirect.url '{url}' is not an allowed redirect URI of client {clientId}.");
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Verification;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Verification API (docs/wire/verification.md#verification-api): <c>/v1/auth/verify {code, stateToken}</c> continues a
/// REQUIRE_EMAIL_VERIFICATION flow; <c>/v1/auth/resend {stateToken}</c> (Latchkey addition) sends a new code.
/// <c>/v1/start {identityId, target}</c> emails a code outside a login and answers <c>{verificationId}</c>;
/// <c>/v1/verify {verificationId, code}</c> (Latchkey addition, the SDK's unexposed <c>VerifyRequest</c>) completes it
/// and answers <c>{identity}</c>.
/// </summary>
public static class VerificationEndpoints
{
    private static readonly string[] Prefixes = ["/_api/iam/verification", "/iam/verification", "/verification"];

    public sealed record VerifyRequest(string? Code, string? StateToken);

    public sealed record ResendRequest(string? StateToken);

    public sealed record StartRequest(string? IdentityId, string? Target);

    public sealed record CompleteRequest(string? VerificationId, string? Code);

    public sealed record StartResponse(string VerificationId);

    public sealed record CompleteResponse(IdentityDto Identity);

    public static void MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/v1/auth/verify", VerifyAsync, "VerifyDuringAuthentication")
            .Wix<VerifyRequest, StateMachineResponse>(ApiDocs.WixVerification, "Continue a registration or login with the emailed code and the state token");
        app.MapPost(Prefixes, "/v1/auth/resend", ResendAsync, "ResendVerificationCode")
            .Wix<ResendRequest, ApiDocs.EmptyObject>(ApiDocs.WixVerification, "Send the verification code again");
        app.MapPost(Prefixes, "/v1/start", StartAsync, "StartVerification")
            .Wix<StartRequest, StartResponse>(ApiDocs.WixVerification, "Start verifying a member's email outside a login (API key)");
        app.MapPost(Prefixes, "/v1/verify", CompleteAsync, "CompleteVerification")
            .Wix<CompleteRequest, CompleteResponse>(ApiDocs.WixVerification, "Complete a verification started with /v1/start");
    }

    private static async Task<IResult> StartAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, StartVerification step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        // Start emails a code: the guard's rates apply as at resend (issue #21), and the address's hourly allowance too.
        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var body = await RequestBody.ReadAsync<StartRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var who = caller.Value;
        var input = new StartVerificationInput(body.Value.IdentityId, body.Value.Target, who.MemberId, Trusted: who.ApiKey is not null);
        var result = await step.HandleAsync(who.Site.Id, input, cancellationToken);
        return result.IsSuccess ? WixResults.Ok(new StartResponse(result.Value)) : WixErrors.ToResult(result.Error);
    }

    private static async Task<IResult> CompleteAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, CompleteVerification step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var body = await RequestBody.ReadAsync<CompleteRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var result = await step.HandleAsync(caller.Value.Site.Id, body.Value.VerificationId, body.Value.Code, cancellationToken);
        return result.IsSuccess ? WixResults.Ok(new CompleteResponse(IdentityDto.From(result.Value))) : WixErrors.ToResult(result.Error);
    }

    private static async Task<IResult> VerifyAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, VerifyEmailCode step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var body = await RequestBody.ReadAsync<VerifyRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        return WixResults.From(await step.HandleAsync(caller.Value.Site.Id, new VerifyEmailInput(body.Value.StateToken, body.Value.Code), cancellationToken));
    }

    private static async Task<IResult> ResendAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, ResendVerificationCode step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var body = await RequestBody.ReadAsync<ResendRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var result = await step.HandleAsync(caller.Value.Site.Id, body.Value.StateToken, cancellationToken);
        return result.IsSuccess ? WixResults.Ok(new ApiDocs.EmptyObject()) : WixErrors.ToResult(result.Error);
    }
}

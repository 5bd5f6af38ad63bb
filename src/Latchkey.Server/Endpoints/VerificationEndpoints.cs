using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.EmailVerification;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Http;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Verification API (contract §4): <c>/v1/auth/verify {code, stateToken}</c> continues a REQUIRE_EMAIL_VERIFICATION
/// flow; <c>/v1/auth/resend {stateToken}</c> (Latchkey addition) sends a new code.
/// </summary>
public static class VerificationEndpoints
{
    private static readonly string[] Prefixes = ["/_api/iam/verification", "/iam/verification", "/verification"];

    public sealed record VerifyRequest(string? Code, string? StateToken);

    public sealed record ResendRequest(string? StateToken);

    public static void MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/v1/auth/verify", VerifyAsync, "VerifyDuringAuthentication");
        app.MapPost(Prefixes, "/v1/auth/resend", ResendAsync, "ResendVerificationCode");
    }

    private static async Task<IResult> VerifyAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, VerifyEmailCode step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error!);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value!.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error!);
        }

        var body = await RequestBody.ReadAsync<VerifyRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error!);
        }

        return WixResults.From(await step.HandleAsync(caller.Value!.Site.Id, new VerifyEmailInput(body.Value!.StateToken, body.Value.Code), cancellationToken));
    }

    private static async Task<IResult> ResendAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, ResendVerificationCode step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error!);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value!.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error!);
        }

        var body = await RequestBody.ReadAsync<ResendRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error!);
        }

        var result = await step.HandleAsync(caller.Value!.Site.Id, body.Value!.StateToken, cancellationToken);
        return result.IsSuccess ? WixResults.Ok(new { }) : WixErrors.ToResult(result.Error!);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Login;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>Login V2 (contract §3.2). Errors always carry <c>applicationError</c>: the SDK reads it unguarded.</summary>
public static class LoginEndpoints
{
    public static void MapLoginEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/login", LogInAsync, "Login");

    private static async Task<IResult> LogInAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, LogInMember step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error!, alwaysApplicationError: true);
        }

        var body = await RequestBody.ReadAsync<LoginRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error!, alwaysApplicationError: true);
        }

        var guarded = GuardedRequests.For(request, caller.Value!.Site, GuardedAction.Login, body.Value!.LoginId?.Email, body.Value.CaptchaTokens);
        var pass = await guard.CheckAsync(guarded, cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error!, alwaysApplicationError: true);
        }

        var input = new LoginInput(body.Value.LoginId?.Email, body.Value.Password);
        var result = await step.HandleAsync(caller.Value.Site, input, cancellationToken);
        // Unknown email and wrong password count alike: the counters must not tell them apart either.
        // Only a finished sign-in resets the account: a right password that still owes a second factor does not.
        var failed = result.Error?.Code is "invalid_credentials" or "member_not_found";
        if (failed || result.Value?.State == Latchkey.Core.Flows.StateType.Success)
        {
            await guard.RecordAsync(guarded, failed, cancellationToken);
        }

        return WixResults.From(result, alwaysApplicationError: true);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Login;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Login V2 (docs/wire/authentication.md#login-v2). Errors always carry <c>applicationError</c>: the SDK reads it
/// unguarded.
/// </summary>
public static class LoginEndpoints
{
    public static void MapLoginEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/login", LogInAsync, "Login")
            .Wix<LoginRequest, StateMachineResponse>(ApiDocs.WixAuthentication, "Log in with email and password");

    private static async Task<IResult> LogInAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, LogInMember step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error, alwaysApplicationError: true);
        }

        var body = await RequestBody.ReadAsync<LoginRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error, alwaysApplicationError: true);
        }

        var guarded = GuardedRequests.For(request, caller.Value.Site, GuardedAction.Login, body.Value.LoginId?.Email, body.Value.CaptchaTokens);
        var pass = await guard.CheckAsync(guarded, cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error, alwaysApplicationError: true);
        }

        var input = new LoginInput(body.Value.LoginId?.Email, body.Value.Password);
        var result = await step.HandleAsync(caller.Value.Site, input, cancellationToken);
        await guard.RecordLoginAsync(guarded, result, cancellationToken);

        return WixResults.From(result, alwaysApplicationError: true);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Login;
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
            .Wix(ApiDocs.WixAuthentication, "Log in with email and password", alwaysApplicationError: true);

    private static async Task<ApiResult<StateMachineResponse>> LogInAsync(Call<LoginRequest> call, LogInMember step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.HandleAsync(
            call.Guarded(GuardedAction.Login, call.Body.LoginId?.Email, call.Body.CaptchaTokens),
            new LoginInput(call.Body.LoginId?.Email, call.Body.Password), cancellationToken), StateMachineResponse.From);
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Registration;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>Register V2 (docs/wire/authentication.md#register-v2).</summary>
public static class RegistrationEndpoints
{
    public static void MapRegistrationEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/register", RegisterAsync, "Register")
            .Wix(ApiDocs.WixAuthentication, "Register a member with email and password");

    private static async Task<ApiResult<StateMachineResponse>> RegisterAsync(Call<RegisterRequest> call, RegisterMember step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.HandleAsync(
            call.Guarded(GuardedAction.Register, captchaTokens: call.Body.CaptchaTokens),
            new RegisterInput(call.Body.LoginId?.Email, call.Body.Password, call.Body.Profile), cancellationToken), StateMachineResponse.From);
}

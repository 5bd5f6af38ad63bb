using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Registration;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>Register V2 (docs/wire/authentication.md#register-v2).</summary>
public static class RegistrationEndpoints
{
    public static void MapRegistrationEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/register", RegisterAsync, "Register")
            .Wix<RegisterRequest, StateMachineResponse>(ApiDocs.WixAuthentication, "Register a member with email and password");

    private static async Task<IResult> RegisterAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, RegisterMember step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<RegisterRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var pass = await guard.CheckAsync(
            GuardedRequests.For(request, caller.Value.Site, GuardedAction.Register, null, body.Value.CaptchaTokens), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var input = new RegisterInput(body.Value.LoginId?.Email, body.Value.Password, body.Value.Profile);
        return WixResults.From(await step.HandleAsync(caller.Value.Site, input, cancellationToken));
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.SignOn;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Sign On (docs/wire/authentication.md#sign-on): trusted callers only, an API key with the sign-on permission.
/// </summary>
public static class SignOnEndpoints
{
    public static void MapSignOnEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/sign-on", SignOnAsync, "SignOn")
            .RequireCaller(CallerKind.SignOn, "Sign On needs an API key with the sign-on permission; visitor and member tokens cannot call it.")
            .Wix(ApiDocs.WixAuthentication, "Sign a member on without a password (API key with the sign-on permission)");

    private static async Task<ApiResult<SignOnResponse>> SignOnAsync(Call<SignOnRequest> call, SignOnMember step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.HandleAsync(
            call.Guarded(GuardedAction.SignOn),
            new SignOnInput(call.Body.LoginId?.Email, call.Body.Profile, call.Body.VerifyEmail ?? false), cancellationToken),
            outcome => new SignOnResponse(outcome.SessionToken, IdentityDto.From(outcome.Member)));
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.SignOn;
using Latchkey.Server.AbuseProtection;
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
            .Wix<SignOnRequest, SignOnResponse>(ApiDocs.WixAuthentication, "Sign a member on without a password (API key with the sign-on permission)");

    private static async Task<IResult> SignOnAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, SignOnMember step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        if (!caller.Value.CanSignOn)
        {
            return WixErrors.ToResult(LatchkeyErrors.PermissionDenied.WithDetail("Sign On needs an API key with the sign-on permission; visitor and member tokens cannot call it."));
        }

        var body = await RequestBody.ReadAsync<SignOnRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.SignOn, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error);
        }

        var input = new SignOnInput(body.Value.LoginId?.Email, body.Value.Profile, body.Value.VerifyEmail ?? false);
        var result = await step.HandleAsync(caller.Value.Site, input, cancellationToken);
        return result.IsSuccess
            ? WixResults.Ok(new SignOnResponse(result.Value.SessionToken, IdentityDto.From(result.Value.Member)))
            : WixErrors.ToResult(result.Error);
    }
}

using Latchkey.Core.Errors;
using Latchkey.Core.Features.PasswordChange;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>Change Password (docs/wire/authentication.md#change-password): member access token only.</summary>
public static class PasswordChangeEndpoints
{
    public sealed record ChangePasswordRequest(string? NewPassword);

    public static void MapPasswordChangeEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/change-password", ChangeAsync, "ChangePassword")
            .Wix<ChangePasswordRequest, ApiDocs.EmptyObject>(ApiDocs.WixAuthentication, "Change the password of the member the access token belongs to");

    private static async Task<IResult> ChangeAsync(
        HttpRequest request, CallerResolver callers, ChangePassword step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error);
        }

        if (caller.Value.MemberId is not { } memberId)
        {
            return WixErrors.ToResult(LatchkeyErrors.MemberTokenRequired.WithDetail("Change Password needs a member access token; visitor tokens and API keys cannot call it."));
        }

        var body = await RequestBody.ReadAsync<ChangePasswordRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var result = await step.HandleAsync(caller.Value.Site, new ChangePasswordInput(memberId, caller.Value.SessionId!.Value, body.Value.NewPassword), cancellationToken);
        return result.IsSuccess ? WixResults.Ok(new { }) : WixErrors.ToResult(result.Error);
    }
}

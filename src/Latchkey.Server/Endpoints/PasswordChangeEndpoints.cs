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
            .RequireCaller(CallerKind.Member, "Change Password needs a member access token; visitor tokens and API keys cannot call it.")
            .Wix(ApiDocs.WixAuthentication, "Change the password of the member the access token belongs to");

    /// <summary>The caller's own session stays; the step ends the member's others.</summary>
    private static async Task<ApiResult<ApiDocs.EmptyObject>> ChangeAsync(Call<ChangePasswordRequest> call, ChangePassword step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Site, new ChangePasswordInput(call.MemberId, call.Caller.SessionId!.Value, call.Body.NewPassword), cancellationToken),
            _ => new ApiDocs.EmptyObject());
}

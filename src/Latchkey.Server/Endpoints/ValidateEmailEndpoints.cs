using Latchkey.Core.Members;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Validate Email (docs/wire/authentication.md#validate-email): a format check only. It never looks members up, so it
/// tells nothing about who is registered.
/// </summary>
public static class ValidateEmailEndpoints
{
    public static void MapValidateEmailEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(WixRoutes.Authentication, "/v2/validate-email", ValidateAsync, "ValidateEmail")
            .Wix<ValidateEmailRequest, ValidateEmailResponse>(ApiDocs.WixAuthentication, "Check the format of an email address");

    private static async Task<IResult> ValidateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<ValidateEmailRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var email = EmailAddress.Parse(body.Value.Email, "email");
        if (!email.IsSuccess && body.Value.Email is null)
        {
            return WixErrors.ToResult(email.Error);
        }

        return WixResults.Ok(email.IsSuccess
            ? new ValidateEmailResponse(true, false, null)
            : new ValidateEmailResponse(false, true, new ValidateEmailFailure("EMAIL_DOMAIN_FORMAT_INVALID")));
    }
}

using Latchkey.Core.Errors;
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
        app.MapPost(WixRoutes.Authentication, "/v2/validate-email", Validate, "ValidateEmail")
            .Wix(ApiDocs.WixAuthentication, "Check the format of an email address");

    private static ApiResult<ValidateEmailResponse> Validate(JsonBody<ValidateEmailRequest> body) => Check(body.Value.Email);

    /// <summary>A missing email is a validation error; a malformed one is a valid answer that says so.</summary>
    private static Result<ValidateEmailResponse> Check(string? email)
    {
        var parsed = EmailAddress.Parse(email, "email");
        if (!parsed.IsSuccess && email is null)
        {
            return parsed.Error;
        }

        return parsed.IsSuccess
            ? new ValidateEmailResponse(true, false, null)
            : new ValidateEmailResponse(false, true, new ValidateEmailFailure("EMAIL_DOMAIN_FORMAT_INVALID"));
    }
}

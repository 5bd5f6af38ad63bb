using System.Globalization;
using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>
/// The one mapper from catalog errors to the Wix envelope (docs/wire/conventions.md#errors):
/// <c>{message, code, details: {applicationError {code, description, data} | validationError {fieldViolations}}}</c>.
/// <c>code</c> at the top is Latchkey's stable name; <c>applicationError.code</c> is what the Wix SDK branches on.
/// </summary>
public static class WixErrors
{
    public static IResult ToResult(LatchkeyError error, bool alwaysApplicationError = false) =>
        new WixErrorResult(error, alwaysApplicationError);

    public static WixErrorBody Body(LatchkeyError error, bool alwaysApplicationError)
    {
        var validation = error.Violations.Count == 0
            ? null
            : new WixValidationError(error.Violations.Select(v => new WixFieldViolation(
                v.Field, v.Description, v.ViolatedRule, v.RuleName,
                v.DataType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["type"] = v.DataType })).ToArray());

        // The Wix SDK's login() reads details.applicationError.code without a null check
        // (docs/wire/conventions.md#errors).
        var application = error.Violations.Count == 0 || alwaysApplicationError
            ? new WixApplicationError(error.WireCode, error.Message, new WixErrorData(error.Code, $"docs/errors/{error.Code}.md"))
            : null;

        return new WixErrorBody(error.Message, error.Code, new WixErrorDetails(validation, application));
    }

    private sealed class WixErrorResult(LatchkeyError error, bool alwaysApplicationError) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = error.Status;
            if (error.RetryAfterSeconds is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(Body(error, alwaysApplicationError), WixJson.Options);
        }
    }
}

using System.Globalization;
using Latchkey.Core.Errors;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Http;

/// <summary>
/// The one mapper from catalog errors to the Wix envelope (decisions §2):
/// <c>{message, code, details: {applicationError {code, description, data} | validationError {fieldViolations}}}</c>.
/// <c>code</c> at the top is Latchkey's stable name; <c>applicationError.code</c> is what the Wix SDK branches on.
/// </summary>
public static class WixErrors
{
    public static IResult ToResult(LatchkeyError error, bool alwaysApplicationError = false) =>
        new WixErrorResult(error, alwaysApplicationError);

    public static object Body(LatchkeyError error, bool alwaysApplicationError)
    {
        var details = new Dictionary<string, object>();
        if (error.Violations.Count > 0)
        {
            details["validationError"] = new
            {
                fieldViolations = error.Violations.Select(v => new
                {
                    field = v.Field,
                    description = v.Description,
                    violatedRule = v.ViolatedRule,
                    ruleName = v.RuleName,
                    data = v.DataType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["type"] = v.DataType },
                }).ToArray(),
            };
        }

        // The Wix SDK's login() reads details.applicationError.code without a null check (contract §2.5).
        if (error.Violations.Count == 0 || alwaysApplicationError)
        {
            details["applicationError"] = new
            {
                code = error.WireCode,
                description = error.Message,
                data = new { code = error.Code, docs = $"docs/errors/{error.Code}.md" },
            };
        }

        return new { message = error.Message, code = error.Code, details };
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

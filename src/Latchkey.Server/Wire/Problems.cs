using System.Globalization;
using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>
/// The mapper for Latchkey's own endpoints (admin, sessions): RFC 9457 problem details carrying the same catalog
/// code as the Wix envelope does (docs/wire/conventions.md#errors). <c>type</c> points at the code's docs page.
/// </summary>
public static class Problems
{
    public static IResult ToResult(LatchkeyError error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Violations.Count > 0)
        {
            extensions["errors"] = error.Violations
                .GroupBy(v => v.Field)
                .ToDictionary(g => g.Key, g => g.Select(v => new { code = v.ViolatedRule, message = v.Description }).ToArray());
        }

        var result = TypedResults.Problem(
            detail: error.Detail,
            statusCode: error.Status,
            title: error.Title,
            type: $"docs/errors/{error.Code}.md",
            extensions: extensions);
        return error.RetryAfterSeconds is { } seconds ? new WithRetryAfter(result, seconds) : result;
    }

    private sealed class WithRetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

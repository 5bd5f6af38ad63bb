using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>Maps an admin operation's result: the value as JSON, or its catalog error as RFC 9457 problem details.</summary>
public static class AdminResults
{
    /// <summary>
    /// Query values are bound as text and parsed here, so a wrong one is a <c>validation_failed</c> problem naming the
    /// parameter rather than the framework's generic bad request.
    /// </summary>
    public static IResult? Query(string? pageSize, out int? size, string? from, out DateTimeOffset? fromTime, string? to, out DateTimeOffset? toTime)
    {
        var violations = new List<FieldViolation>();
        size = null;
        if (!string.IsNullOrEmpty(pageSize))
        {
            if (int.TryParse(pageSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                size = parsed;
            }
            else
            {
                violations.Add(new FieldViolation("pageSize", "pageSize is a whole number.", "FORMAT", "NUMBER"));
            }
        }

        fromTime = Time(from, "from", violations);
        toTime = Time(to, "to", violations);
        return violations.Count > 0 ? Problems.ToResult(LatchkeyErrors.Validation([.. violations])) : null;
    }

    private static DateTimeOffset? Time(string? value, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        violations.Add(new FieldViolation(field, $"{field} is an ISO 8601 time, e.g. 2026-11-29T12:00:00Z.", "FORMAT", "DATE_TIME"));
        return null;
    }

    public static IResult From<T>(Result<T> result, Func<T, IResult>? ok = null) =>
        result.IsSuccess ? (ok ?? (v => TypedResults.Ok(v)))(result.Value) : Problems.ToResult(result.Error);
}

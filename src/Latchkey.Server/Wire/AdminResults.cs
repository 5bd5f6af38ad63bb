using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>
/// Admin answers that are not a plain 200: a create's 201 with a <c>Location</c>, a delete's 204, each or its catalog
/// error in the endpoint's <see cref="ErrorShape"/>. Their handlers return <see cref="IResult"/>, not an
/// <see cref="ApiResult{T}"/>, so the OpenAPI document shows the status the endpoint declares and no 200.
/// </summary>
public static class AdminResults
{
    /// <summary>201 with the new resource at <paramref name="location"/>, or the error.</summary>
    public static IResult Created<T>(Result<T> result, Func<T, string> location) => Created(result, location, v => v);

    /// <summary>201 with the new resource at <paramref name="location"/> as <paramref name="body"/>, or the error.</summary>
    public static IResult Created<T, TBody>(Result<T> result, Func<T, string> location, Func<T, TBody> body) =>
        result.IsSuccess ? ApiResult.Created(location(result.Value), body(result.Value)) : (ApiResult<TBody>)result.Error;

    /// <summary>204 for a done deletion, or the error.</summary>
    public static IResult NoContent<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.NoContent() : (ApiResult<T>)result.Error;
}

/// <summary>
/// The paging and time filters of an admin list. Query values are bound as text and parsed here, so a wrong one is a
/// <c>validation_failed</c> problem naming the parameter rather than the framework's generic bad request.
/// </summary>
public sealed record AdminQuery(int? PageSize, DateTimeOffset? From, DateTimeOffset? To)
{
    public static Result<AdminQuery> Parse(string? pageSize, string? from = null, string? to = null)
    {
        var violations = new List<FieldViolation>();
        int? size = null;
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

        var fromTime = Time(from, "from", violations);
        var toTime = Time(to, "to", violations);
        return violations.Count > 0 ? LatchkeyErrors.Validation([.. violations]) : new AdminQuery(size, fromTime, toTime);
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
}

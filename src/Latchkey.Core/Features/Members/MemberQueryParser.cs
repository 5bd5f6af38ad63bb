using System.Globalization;
using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Members;

/// <summary>What a list or query asks for, checked: the filter, the sort keys, and the page.</summary>
public sealed record MemberListRequest(MemberFilter? Filter, IReadOnlyList<MemberSort> Sort, int Offset, int Limit)
{
    /// <summary>Whether the filter or the sort reads a field only an admin may see (the login email, the status).</summary>
    public bool ReadsPrivateFields => Sort.Any(s => s.Field == MemberSortField.LoginEmail) || Private(Filter);

    private static bool Private(MemberFilter? filter) => filter switch
    {
        AllOf all => all.Filters.Any(Private),
        AnyOf any => any.Filters.Any(Private),
        NotOf not => Private(not.Filter),
        TextCondition text => text.Field == MemberTextField.LoginEmail,
        StatusCondition => true,
        _ => false,
    };
}

/// <summary>
/// The Wix API Query Language as the Members API takes it (docs/wire/members.md#query-language): <c>filter</c> on
/// <c>loginEmail</c>, <c>status</c>, <c>createdDate</c> and <c>profile.nickname</c> with <c>$eq</c>, <c>$ne</c>,
/// <c>$in</c>, <c>$gt</c>, <c>$gte</c>, <c>$lt</c>, <c>$lte</c>, <c>$startsWith</c>, combined with <c>$and</c>,
/// <c>$or</c>, <c>$not</c>; <c>sort</c> (or <c>sorting</c>); offset <c>paging</c>. Anything else is refused with
/// <c>query_invalid</c> naming the part, never ignored and never a 500.
/// </summary>
public static class MemberQueryParser
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxOffset = 1_000_000;
    public const int MaxConditions = 100;
    public const int MaxDepth = 8;
    public const int MaxInValues = 100;
    public const int MaxSortKeys = 4;
    private const int MaxTextLength = 320;

    private static readonly Dictionary<string, MemberSortField> SortFields = new(StringComparer.Ordinal)
    {
        ["createdDate"] = MemberSortField.CreatedDate,
        ["updatedDate"] = MemberSortField.UpdatedDate,
        ["loginEmail"] = MemberSortField.LoginEmail,
        ["profile.nickname"] = MemberSortField.Nickname,
        ["id"] = MemberSortField.Id,
    };

    private static readonly Dictionary<string, MemberStatus> Statuses = new(StringComparer.Ordinal)
    {
        ["APPROVED"] = MemberStatus.Active,
        ["PENDING"] = MemberStatus.Pending,
        ["BLOCKED"] = MemberStatus.Blocked,
    };

    private static readonly Dictionary<string, FilterOperator> Operators = new(StringComparer.Ordinal)
    {
        ["$eq"] = FilterOperator.Eq,
        ["$ne"] = FilterOperator.Ne,
        ["$in"] = FilterOperator.In,
        ["$gt"] = FilterOperator.Gt,
        ["$gte"] = FilterOperator.Gte,
        ["$lt"] = FilterOperator.Lt,
        ["$lte"] = FilterOperator.Lte,
        ["$startsWith"] = FilterOperator.StartsWith,
    };

    private static readonly FilterOperator[] TextOperators = [FilterOperator.Eq, FilterOperator.Ne, FilterOperator.In, FilterOperator.StartsWith];
    private static readonly FilterOperator[] StatusOperators = [FilterOperator.Eq, FilterOperator.Ne, FilterOperator.In];
    private static readonly FilterOperator[] TimeOperators =
        [FilterOperator.Eq, FilterOperator.Ne, FilterOperator.In, FilterOperator.Gt, FilterOperator.Gte, FilterOperator.Lt, FilterOperator.Lte];

    /// <summary>
    /// Parses a query object (<c>{filter, sort | sorting, paging}</c>; absent or null: everything, first page). Paging
    /// numbers may be JSON numbers or numeric strings (a query string carries them as text).
    /// </summary>
    public static Result<MemberListRequest> Parse(JsonElement? query)
    {
        try
        {
            return ParseQuery(query);
        }
        catch (QueryException e)
        {
            return LatchkeyErrors.QueryInvalid.WithDetail($"{e.Path}: {e.Message}");
        }
    }

    private static MemberListRequest ParseQuery(JsonElement? query)
    {
        if (query is not { } q || q.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return new MemberListRequest(null, [], 0, DefaultLimit);
        }

        if (q.ValueKind != JsonValueKind.Object)
        {
            throw new QueryException("query", "must be an object.");
        }

        if (q.TryGetProperty("cursorPaging", out var cursor) && cursor.ValueKind != JsonValueKind.Null)
        {
            throw new QueryException("query.cursorPaging", "the Members API pages by offset: use paging {limit, offset}.");
        }

        var filter = q.TryGetProperty("filter", out var f) ? ParseFilterRoot(f) : null;
        var sort = q.TryGetProperty("sort", out var s) && s.ValueKind != JsonValueKind.Null ? ParseSort(s, "query.sort")
            : q.TryGetProperty("sorting", out var sorting) ? ParseSort(sorting, "query.sorting")
            : [];
        var (offset, limit) = q.TryGetProperty("paging", out var paging) ? ParsePaging(paging) : (0, DefaultLimit);
        return new MemberListRequest(filter, sort, offset, limit);
    }

    private static MemberFilter? ParseFilterRoot(JsonElement filter)
    {
        if (filter.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        var count = 0;
        var parsed = ParseFilter(filter, "query.filter", 1, ref count);
        return parsed is AllOf { Filters.Count: 0 } ? null : parsed;
    }

    private static MemberFilter ParseFilter(JsonElement filter, string path, int depth, ref int count)
    {
        if (depth > MaxDepth)
        {
            throw new QueryException(path, $"filters nest at most {MaxDepth} deep.");
        }

        if (filter.ValueKind != JsonValueKind.Object)
        {
            throw new QueryException(path, "a filter is an object of fields and operators.");
        }

        var parts = new List<MemberFilter>();
        foreach (var property in filter.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "$and":
                    parts.Add(new AllOf(ParseList(property.Value, at, depth, ref count)));
                    break;
                case "$or":
                    parts.Add(new AnyOf(ParseList(property.Value, at, depth, ref count)));
                    break;
                case "$not":
                    parts.Add(new NotOf(ParseFilter(property.Value, at, depth + 1, ref count)));
                    break;
                default:
                    if (property.Name.StartsWith('$'))
                    {
                        throw new QueryException(at, "unknown logical operator: use $and, $or or $not, or a field name.");
                    }

                    parts.AddRange(ParseField(property.Name, property.Value, at, ref count));
                    break;
            }
        }

        return parts.Count == 1 ? parts[0] : new AllOf(parts);
    }

    private static List<MemberFilter> ParseList(JsonElement list, string path, int depth, ref int count)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new QueryException(path, "takes an array of filters.");
        }

        var filters = new List<MemberFilter>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            filters.Add(ParseFilter(item, $"{path}[{i++}]", depth + 1, ref count));
        }

        return filters;
    }

    private static List<MemberFilter> ParseField(string field, JsonElement value, string path, ref int count)
    {
        // {field: value} is {field: {$eq: value}}; {field: {$op: value, ...}} is one condition per operator.
        var conditions = value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any(p => p.Name.StartsWith('$') && p.Name != "$date")
            ? value.EnumerateObject().Select(p => (Operator: p.Name, Value: p.Value, Path: $"{path}.{p.Name}")).ToList()
            : [("$eq", value, path)];
        var parsed = new List<MemberFilter>();
        foreach (var (name, operand, at) in conditions)
        {
            if (++count > MaxConditions)
            {
                throw new QueryException(at, $"a filter has at most {MaxConditions} conditions.");
            }

            if (!Operators.TryGetValue(name, out var op))
            {
                throw new QueryException(at, $"the operator {name} is not supported; use {string.Join(", ", Operators.Keys)}.");
            }

            parsed.Add(field switch
            {
                "loginEmail" => new TextCondition(MemberTextField.LoginEmail, Allow(op, TextOperators, field, at),
                    [.. Values(op, operand, at).Select(v => EmailAddress.Normalize(Text(v, at, nullable: false)!))]),
                "profile.nickname" => new TextCondition(MemberTextField.Nickname, Allow(op, TextOperators, field, at),
                    [.. Values(op, operand, at).Select(v => Text(v, at, nullable: op != FilterOperator.StartsWith))]),
                "status" => new StatusCondition(Allow(op, StatusOperators, field, at), [.. Values(op, operand, at).Select(v => Status(v, at))]),
                "createdDate" => new CreatedCondition(Allow(op, TimeOperators, field, at), [.. Values(op, operand, at).Select(v => Time(v, at))]),
                _ => throw new QueryException(path, "unknown field: filter on loginEmail, status, createdDate or profile.nickname."),
            });
        }

        return parsed;
    }

    private static FilterOperator Allow(FilterOperator op, FilterOperator[] allowed, string field, string path) =>
        allowed.Contains(op)
            ? op
            : throw new QueryException(path, $"{field} takes {string.Join(", ", allowed.Select(a => Operators.First(o => o.Value == a).Key))}.");

    private static List<JsonElement> Values(FilterOperator op, JsonElement operand, string path)
    {
        if (op != FilterOperator.In)
        {
            return [operand];
        }

        if (operand.ValueKind != JsonValueKind.Array)
        {
            throw new QueryException(path, "$in takes an array of values.");
        }

        return operand.GetArrayLength() <= MaxInValues
            ? operand.EnumerateArray().ToList()
            : throw new QueryException(path, $"$in takes at most {MaxInValues} values.");
    }

    private static string? Text(JsonElement value, string path, bool nullable)
    {
        if (value.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new QueryException(path, nullable ? "takes a string or null." : "takes a string.");
        }

        var text = value.GetString()!;
        return text.Length <= MaxTextLength ? text : throw new QueryException(path, $"a value has at most {MaxTextLength} characters.");
    }

    private static MemberStatus Status(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && Statuses.TryGetValue(value.GetString()!, out var status)
            ? status
            : throw new QueryException(path, "status is APPROVED, PENDING or BLOCKED.");

    /// <summary>An ISO 8601 timestamp, bare or as the query language's <c>{"$date": "…"}</c>; without an offset it is UTC.</summary>
    private static DateTimeOffset Time(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$date", out var date))
        {
            value = date;
        }

        return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) && value.GetString()!.Contains('T', StringComparison.Ordinal)
            ? time
            : throw new QueryException(path, "createdDate takes an ISO 8601 date and time, such as 2026-01-31T12:00:00Z.");
    }

    private static List<MemberSort> ParseSort(JsonElement sort, string path)
    {
        if (sort.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (sort.ValueKind != JsonValueKind.Array)
        {
            throw new QueryException(path, "takes an array of {fieldName, order}.");
        }

        if (sort.GetArrayLength() > MaxSortKeys)
        {
            throw new QueryException(path, $"at most {MaxSortKeys} sort keys.");
        }

        var keys = new List<MemberSort>();
        var i = 0;
        foreach (var key in sort.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (key.ValueKind != JsonValueKind.Object || !key.TryGetProperty("fieldName", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new QueryException(at, "a sort key is {fieldName, order}.");
            }

            if (!SortFields.TryGetValue(name.GetString()!, out var field))
            {
                throw new QueryException($"{at}.fieldName", $"sort by {string.Join(", ", SortFields.Keys)}.");
            }

            var order = key.TryGetProperty("order", out var o) && o.ValueKind != JsonValueKind.Null ? o : default;
            var descending = order.ValueKind switch
            {
                JsonValueKind.Undefined => false,
                JsonValueKind.String when order.GetString() == "ASC" => false,
                JsonValueKind.String when order.GetString() == "DESC" => true,
                _ => throw new QueryException($"{at}.order", "order is ASC or DESC."),
            };
            keys.Add(new MemberSort(field, descending));
        }

        return keys;
    }

    private static (int Offset, int Limit) ParsePaging(JsonElement paging)
    {
        if (paging.ValueKind == JsonValueKind.Null)
        {
            return (0, DefaultLimit);
        }

        if (paging.ValueKind != JsonValueKind.Object)
        {
            throw new QueryException("query.paging", "paging is {limit, offset}.");
        }

        var limit = Number(paging, "limit", DefaultLimit, 1, MaxLimit);
        var offset = Number(paging, "offset", 0, 0, MaxOffset);
        return (offset, limit);
    }

    private static int Number(JsonElement paging, string name, int fallback, int min, int max)
    {
        if (!paging.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        var number = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => (int?)null,
        };
        return number is { } valid && valid >= min && valid <= max
            ? valid
            : throw new QueryException($"query.paging.{name}", $"{name} is a whole number from {min} to {max}.");
    }

    /// <summary>A part of the query that cannot run; caught at the top and answered as <c>query_invalid</c>.</summary>
    private sealed class QueryException(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }
}

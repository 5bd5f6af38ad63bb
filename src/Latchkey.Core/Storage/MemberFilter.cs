using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>
/// A filter of the Members API's query language (docs/wire/members.md#query-language), parsed and checked by
/// <c>Features/Members/MemberQueryParser</c> and translated by the store. Values are in the form the columns hold
/// (emails normalised, statuses as <see cref="MemberStatus"/>).
/// </summary>
public abstract record MemberFilter;

/// <summary>Every filter holds (<c>$and</c>, or several fields in one object).</summary>
public sealed record AllOf(IReadOnlyList<MemberFilter> Filters) : MemberFilter;

/// <summary>At least one filter holds (<c>$or</c>).</summary>
public sealed record AnyOf(IReadOnlyList<MemberFilter> Filters) : MemberFilter;

/// <summary>The filter does not hold (<c>$not</c>).</summary>
public sealed record NotOf(MemberFilter Filter) : MemberFilter;

/// <summary>
/// A text field compared with <see cref="FilterOperator.Eq"/>, <see cref="FilterOperator.Ne"/>,
/// <see cref="FilterOperator.In"/> or <see cref="FilterOperator.StartsWith"/>; comparisons are exact (ordinal).
/// A null value (only for the nickname) means "has none".
/// </summary>
public sealed record TextCondition(MemberTextField Field, FilterOperator Operator, IReadOnlyList<string?> Values) : MemberFilter;

/// <summary>The member's status compared with <see cref="FilterOperator.Eq"/>, <see cref="FilterOperator.Ne"/> or <see cref="FilterOperator.In"/>.</summary>
public sealed record StatusCondition(FilterOperator Operator, IReadOnlyList<MemberStatus> Values) : MemberFilter;

/// <summary>The creation time compared with any comparison operator (not <see cref="FilterOperator.StartsWith"/>).</summary>
public sealed record CreatedCondition(FilterOperator Operator, IReadOnlyList<DateTimeOffset> Values) : MemberFilter;

public enum MemberTextField
{
    /// <summary><c>loginEmail</c>, compared in its normal form.</summary>
    LoginEmail,

    /// <summary><c>profile.nickname</c>.</summary>
    Nickname,
}

public enum FilterOperator
{
    Eq,
    Ne,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    StartsWith,
}

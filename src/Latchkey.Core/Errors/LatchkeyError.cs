namespace Latchkey.Core.Errors;

/// <summary>
/// One entry of the error catalog. <see cref="Code"/> is Latchkey's stable lower_snake name (the docs page
/// <c>docs/errors/{Code}.md</c>); <see cref="WireCode"/> is what the Wix envelope carries in
/// <c>details.applicationError.code</c> (a legacy numeric code where the Wix SDK branches on one).
/// </summary>
public sealed record LatchkeyError(string Code, int Status, string WireCode, string Title)
{
    /// <summary>Field-level problems; only set for <see cref="LatchkeyErrors.ValidationFailed"/>.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; init; } = [];

    /// <summary>Human text for this occurrence; falls back to <see cref="Title"/>.</summary>
    public string? Detail { get; init; }

    /// <summary>Seconds a client should wait before retrying (429/503).</summary>
    public int? RetryAfterSeconds { get; init; }

    public string Message => Detail ?? Title;

    public LatchkeyError WithDetail(string detail) => this with { Detail = detail };

    /// <summary>
    /// Whether this is the catalog entry <paramref name="entry"/>, whatever its detail or violations: what code compares
    /// instead of matching code strings.
    /// </summary>
    public bool Is(LatchkeyError entry) => Code == entry.Code;

    /// <summary>Whether this is any of <paramref name="entries"/>.</summary>
    public bool IsAny(params ReadOnlySpan<LatchkeyError> entries)
    {
        foreach (var entry in entries)
        {
            if (Is(entry))
            {
                return true;
            }
        }

        return false;
    }
}

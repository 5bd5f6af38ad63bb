using Latchkey.Core.Errors;

namespace Latchkey.Core.Features.Members;

/// <summary>
/// The Members API's fieldsets (docs/wire/members.md#fieldsets), smallest first: <see cref="Public"/> (id, contact id,
/// dates, profile), <see cref="Extended"/> (also the login email and the statuses), <see cref="Full"/> (everything).
/// </summary>
public enum MemberFieldset
{
    Public,
    Extended,
    Full,
}

public static class MemberFieldsets
{
    /// <summary>At most three names, as the SDK's typings allow.</summary>
    public const int MaxCount = 3;

    /// <summary>The largest fieldset named (<c>PUBLIC</c>, <c>EXTENDED</c>, <c>FULL</c>, any case); <see cref="MemberFieldset.Public"/> when none.</summary>
    public static Result<MemberFieldset> Parse(IReadOnlyList<string?>? names)
    {
        if (names is null || names.Count == 0)
        {
            return MemberFieldset.Public;
        }

        if (names.Count > MaxCount)
        {
            return Invalid($"At most {MaxCount} fieldsets.", "MAX_SIZE");
        }

        var largest = MemberFieldset.Public;
        foreach (var name in names)
        {
            if (!Enum.TryParse<MemberFieldset>(name, ignoreCase: true, out var fieldset) || !Enum.IsDefined(fieldset) || int.TryParse(name, out _))
            {
                return Invalid($"'{name}' is not a fieldset: use PUBLIC, EXTENDED or FULL.", "ENUM");
            }

            largest = fieldset > largest ? fieldset : largest;
        }

        return largest;
    }

    private static LatchkeyError Invalid(string description, string rule) =>
        LatchkeyErrors.Validation(new FieldViolation("fieldsets", description, rule, "FIELDSET"));
}

using Latchkey.Core.Errors;

namespace Latchkey.Core.Members;

/// <summary>
/// Length limits on profile fields (docs/wire/state-machine.md#identityprofile), checked at the edge of every flow that
/// takes a profile.
/// </summary>
public static class ProfileRules
{
    public static IReadOnlyList<FieldViolation> Check(IdentityProfile? profile)
    {
        if (profile is null)
        {
            return [];
        }

        var violations = new List<FieldViolation>();
        Max(violations, "profile.firstName", profile.FirstName, 1000);
        Max(violations, "profile.lastName", profile.LastName, 1000);
        Max(violations, "profile.nickname", profile.Nickname, 1000);
        Max(violations, "profile.picture", profile.Picture, 2048);
        Max(violations, "profile.language", profile.Language, 32);
        Max(violations, "profile.company", profile.Company, 1000);
        Max(violations, "profile.position", profile.Position, 1000);
        Max(violations, "profile.vatId", profile.VatId, 1000);
        Max(violations, "profile.slug", profile.Slug, 255);
        Max(violations, "profile.birthdate", profile.Birthdate, 10);
        Max(violations, "profile.title", profile.Title, 1000);
        if (profile.Cover is { } cover && cover.GetRawText().Length > 4096)
        {
            violations.Add(new FieldViolation("profile.cover", "The cover image is at most 4096 characters of JSON.", "MAX_LENGTH", "IMAGE"));
        }

        if (profile.Birthdate is { Length: > 0 } birthdate &&
            !DateOnly.TryParseExact(birthdate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            violations.Add(new FieldViolation("profile.birthdate", "Birthdate must be YYYY-MM-DD.", "FORMAT", "DATE"));
        }

        if (profile.Labels is { Count: > 2000 })
        {
            violations.Add(new FieldViolation("profile.labels", "At most 2000 labels.", "MAX_SIZE", "LABELS"));
        }

        return violations;
    }

    private static void Max(List<FieldViolation> violations, string field, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            violations.Add(new FieldViolation(field, $"Must be at most {max} characters.", "MAX_LENGTH", "STRING"));
        }
    }
}

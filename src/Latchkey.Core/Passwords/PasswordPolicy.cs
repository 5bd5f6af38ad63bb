using Latchkey.Core.Errors;

namespace Latchkey.Core.Passwords;

/// <summary>
/// A site's password rules (docs/policies.md#passwords): length bounds counted in Unicode characters after NFKC, any
/// Unicode allowed, no composition rules, and never a password from the shipped common-password list (ASVS 2.1.7).
/// </summary>
public sealed record PasswordPolicy(int MinLength = 8, int MaxLength = 256)
{
    public static PasswordPolicy Default { get; } = new();

    /// <summary>Returns the violations of <paramref name="password"/>; empty when it is acceptable.</summary>
    public IReadOnlyList<FieldViolation> Check(string? password, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
        {
            return [new FieldViolation(field, "Password is required.", "REQUIRED_FIELD", "PASSWORD")];
        }

        var normalized = PasswordText.Normalize(password);
        var length = CountCharacters(normalized);
        if (length < MinLength)
        {
            return [new FieldViolation(field, $"Password must be at least {MinLength} characters.", "MIN_LENGTH", "PASSWORD")];
        }

        if (length > MaxLength)
        {
            return [new FieldViolation(field, $"Password must be at most {MaxLength} characters.", "MAX_LENGTH", "PASSWORD")];
        }

        if (CommonPasswords.Contains(normalized))
        {
            return [new FieldViolation(field, "This password is too common; choose another.", "COMMON_PASSWORD", "PASSWORD")];
        }

        return [];
    }

    private static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}

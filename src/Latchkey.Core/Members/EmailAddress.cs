using System.Text;
using Latchkey.Core.Errors;

namespace Latchkey.Core.Members;

/// <summary>
/// An email as the member typed it (trimmed) and its normal form: trimmed, Unicode NFC, lower-case (invariant).
/// The unique index is on <see cref="Normalized"/> so that uniqueness never depends on a database collation.
/// </summary>
public sealed record EmailAddress(string Value, string Normalized)
{
    public const int MaxLength = 254;

    public static Result<EmailAddress> Parse(string? raw, string field = "loginId.email")
    {
        var trimmed = raw?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return Invalid(field, "Email is required.", "REQUIRED_FIELD");
        }

        if (trimmed.Length > MaxLength)
        {
            return Invalid(field, $"Email must be at most {MaxLength} characters.", "MAX_LENGTH");
        }

        if (!IsWellFormed(trimmed))
        {
            return Invalid(field, "Email is not a valid address.", "FORMAT");
        }

        return new EmailAddress(trimmed, Normalize(trimmed));
    }

    public static string Normalize(string email) =>
        email.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary>
    /// Deliberately simple: one '@', a non-empty local part without spaces, and a dotted domain of valid labels.
    /// Deliverability is proven by verification, not by a regex.
    /// </summary>
    public static bool IsWellFormed(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || at != email.IndexOf('@') || at == email.Length - 1 || at > 64)
        {
            return false;
        }

        foreach (var c in email)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '"' or '[' or ']')
            {
                return false;
            }
        }

        var domain = email[(at + 1)..];
        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    private static LatchkeyError Invalid(string field, string description, string rule) =>
        LatchkeyErrors.Validation(new FieldViolation(field, description, rule, "EMAIL", "EMAIL"));
}

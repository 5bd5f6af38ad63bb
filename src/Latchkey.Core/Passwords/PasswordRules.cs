using Latchkey.Core.Errors;
using Latchkey.Core.Sites;

namespace Latchkey.Core.Passwords;
/// <summary>
/// Every password rule of a site, in order of cost: length and the shipped common-password list
/// (<see cref="PasswordPolicy"/>), the offline breached-password list when the site checks it, and the zxcvbn
/// strength estimate when the site asks for a minimum (with the member's email and names as inputs, so
/// "ann.smith@…" cannot be Ann Smith's password). The first violated rule is the one reported.
/// </summary>
public sealed class PasswordRules(IBreachedPasswords breached)
{
    public IReadOnlyList<FieldViolation> Check(Site site, string? password, string field = "password", params string?[] personalInputs)
    {
        var violations = site.PasswordPolicy.Check(password, field);
        if (violations.Count > 0)
        {
            return violations;
        }

        var normalized = PasswordText.Normalize(password!);
        if (site.PasswordCheckBreached && breached.Contains(normalized))
        {
            return [new FieldViolation(field, "This password appears in a known data breach; choose another.", "BREACHED_PASSWORD", "PASSWORD")];
        }

        if (site.PasswordMinStrength > 0)
        {
            var inputs = personalInputs.Where(i => !string.IsNullOrWhiteSpace(i))
                .SelectMany(i => i!.Split(['@', '.', ' ', '-', '_', '+'], StringSplitOptions.RemoveEmptyEntries)).ToList();
            var estimate = new Zxcvbn.Zxcvbn().EvaluatePassword(normalized, inputs);
            if (estimate.Score < site.PasswordMinStrength)
            {
                return [new FieldViolation(field,
                    $"This password is too easy to guess (strength {estimate.Score} of 4; this site asks for {site.PasswordMinStrength}). Longer, less predictable passphrases score higher.",
                    "WEAK_PASSWORD", "PASSWORD")];
            }
        }

        return [];
    }
}

using System.Globalization;
using System.Text;

namespace Latchkey.Core.Members;

/// <summary>
/// The slug of a member's profile page (docs/wire/members.md#slugs): unique per site, compared in its normal form
/// (trimmed, NFC, lower case), made of letters, digits and <c>-</c>, <c>_</c>, <c>.</c> so that it is one URL path
/// segment as it stands.
/// </summary>
public static class MemberSlug
{
    public const int MaxLength = 255;

    /// <summary>The normal form of a slug the Members API was asked to set; null when it is not a valid slug.</summary>
    public static string? Parse(string? value)
    {
        // Canonical only: what From would make of it is itself (no '-' at either end).
        var normal = Normal(value);
        return normal is { Length: > 0 and <= MaxLength } && normal.EnumerateRunes().All(IsSlugRune) && From(normal) == normal ? normal : null;
    }

    /// <summary>
    /// A slug made from free text, as registration and Sign On bring it in their profile: characters that cannot
    /// stand in a slug become <c>-</c>, runs of them one; null when nothing is left.
    /// </summary>
    public static string? From(string? text)
    {
        var normal = Normal(text);
        if (string.IsNullOrEmpty(normal))
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var rune in normal.EnumerateRunes())
        {
            if (IsSlugRune(rune))
            {
                if (builder.Length + rune.Utf16SequenceLength > MaxLength)
                {
                    break;
                }

                builder.Append(rune.ToString());
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? null : slug;
    }

    /// <summary>The <paramref name="n"/>th variant of a taken slug (<c>ann-2</c>, <c>ann-3</c>, …), within the length limit.</summary>
    public static string WithSuffix(string slug, int n)
    {
        var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        var stem = new StringBuilder();
        foreach (var rune in slug.EnumerateRunes())
        {
            if (stem.Length + rune.Utf16SequenceLength + suffix.Length > MaxLength)
            {
                break;
            }

            stem.Append(rune.ToString());
        }

        return stem + suffix;
    }

    private static string? Normal(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return trimmed;
        }

        // Normalize throws on invalid UTF-16 (a lone surrogate); such text is no slug.
        try
        {
            return trimmed.Normalize(NormalizationForm.FormC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsSlugRune(Rune rune) => Rune.IsLetterOrDigit(rune) || rune.Value is '-' or '_' or '.';
}

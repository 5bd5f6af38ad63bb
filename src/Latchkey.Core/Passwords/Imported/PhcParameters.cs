using System.Globalization;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>The <c>k=v,k=v</c> parameter segment of a PHC string.</summary>
internal static class PhcParameters
{
    public static Dictionary<string, long>? Parse(string segment)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in segment.Split(','))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 ||
                !long.TryParse(pair.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ||
                !values.TryAdd(pair[..equals], value))
            {
                return null;
            }
        }

        return values;
    }
}

using System.Collections.Frozen;

namespace Latchkey.Core.Passwords;

/// <summary>
/// The shipped list of common passwords (8+ characters, from zxcvbn's frequency list), compared case-insensitively
/// because "Password1" is as guessable as "password1".
/// </summary>
public static class CommonPasswords
{
    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string normalizedPassword) => List.Value.Contains(normalizedPassword);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly
            .GetManifestResourceStream("Latchkey.Core.Passwords.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line);
            }
        }

        return set.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}

using System.Text.RegularExpressions;

namespace Latchkey.Core.Passwords.Imported;

/// <summary>bcrypt (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>) through BCrypt.Net-Next, which compares in constant time.</summary>
public sealed partial class BcryptVerifier : IImportedHashVerifier
{
    /// <summary>Cost 13 is about half a second per login on one core (Rails and Laravel default to 12); anything above is refused at import.</summary>
    public const int MaxCost = 13;

    public string Format => "bcrypt";

    public bool Recognizes(string storedHash) =>
        storedHash.StartsWith("$2a$", StringComparison.Ordinal) ||
        storedHash.StartsWith("$2b$", StringComparison.Ordinal) ||
        storedHash.StartsWith("$2y$", StringComparison.Ordinal);

    public bool IsWellFormed(string storedHash) =>
        Shape().Match(storedHash) is { Success: true } match &&
        int.Parse(match.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture) is >= 4 and <= MaxCost;

    public bool Verify(string password, string storedHash)
    {
        if (!IsWellFormed(storedHash))
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, storedHash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$")]
    private static partial Regex Shape();
}

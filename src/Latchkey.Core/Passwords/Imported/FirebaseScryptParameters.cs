namespace Latchkey.Core.Passwords.Imported;

/// <summary>The Firebase project's hash parameters (Authentication → Users → "Password hash parameters").</summary>
public sealed record FirebaseScryptParameters(string SignerKey, string SaltSeparator, int Rounds, int MemCost)
{
    /// <summary>Null when the values cannot be used: keys not base64, or costs out of range.</summary>
    public string? Problem =>
        !TryBase64(SignerKey, out var key) || key.Length == 0 ? "firebase signer key is not base64" :
        !TryBase64(SaltSeparator, out _) ? "firebase salt separator is not base64" :
        MemCost is < 1 or > 30 || !Scrypt.ParametersAreValid(1L << MemCost, Rounds, 1) ? "firebase rounds or mem_cost out of range" :
        null;

    internal static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = [];
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

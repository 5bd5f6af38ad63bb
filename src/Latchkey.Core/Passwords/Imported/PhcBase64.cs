namespace Latchkey.Core.Passwords.Imported;

/// <summary>
/// The base64 variants found in PHC-style strings: standard, unpadded (PHC), and passlib's "adapted" alphabet that
/// writes '.' for '+'. '$' never occurs in any of them, so it stays a safe separator.
/// </summary>
internal static class PhcBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0)
        {
            return false;
        }

        var standard = text.Replace('.', '+').Replace('-', '+').Replace('_', '/').TrimEnd('=');
        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        try
        {
            bytes = Convert.FromBase64String(standard);
            return bytes.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}

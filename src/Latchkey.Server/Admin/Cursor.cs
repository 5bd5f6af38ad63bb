using System.Buffers.Text;
using System.Text;

namespace Latchkey.Server.Admin;

/// <summary>Opaque page cursors: base64url of the last key seen, so clients cannot build or depend on them.</summary>
public static class Cursor
{
    public static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    public static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

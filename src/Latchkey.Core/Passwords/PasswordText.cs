using System.Text;

namespace Latchkey.Core.Passwords;

/// <summary>The one place a password turns into bytes: NFKC, then UTF-8, so that equivalent input hashes alike.</summary>
public static class PasswordText
{
    public static string Normalize(string password) => password.Normalize(NormalizationForm.FormKC);

    public static byte[] ToBytes(string password) => Encoding.UTF8.GetBytes(Normalize(password));
}

using System.Security.Cryptography;
using System.Text;
using Latchkey.Core.Passwords;

namespace Latchkey.Server.AbuseProtection;

/// <summary><c>Latchkey:Passwords</c>.</summary>
public sealed class PasswordFileOptions
{
    public const string Section = "Latchkey:Passwords";

    /// <summary>
    /// A directory of SHA-1 range files as Have I Been Pwned serves them: <c>&lt;5 hex&gt;.txt</c> per prefix, each line
    /// <c>&lt;35 hex suffix&gt;:&lt;count&gt;</c> (what <c>haveibeenpwned-downloader</c> writes). Unset: no breached check.
    /// </summary>
    public string? BreachedDirectory { get; set; }
}

/// <summary>
/// The offline breached-password check: only the 5-character prefix file of the password's SHA-1 is read, so a
/// lookup costs one small file read (the OS caches hot ones), and nothing is loaded into memory at start.
/// </summary>
public sealed class BreachedPasswordFiles(Microsoft.Extensions.Options.IOptions<PasswordFileOptions> options) : IBreachedPasswords
{
    public bool Contains(string normalizedPassword)
    {
        if (options.Value.BreachedDirectory is not { Length: > 0 } directory)
        {
            return false;
        }

        // SHA-1 because that is how the published lists are keyed; it is a lookup key here, not a protection.
#pragma warning disable CA5350
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(normalizedPassword)));
#pragma warning restore CA5350
        var path = Path.Combine(directory, hash[..5] + ".txt");
        if (!File.Exists(path))
        {
            return false;
        }

        var suffix = hash[5..];
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var candidate = (colon < 0 ? line : line[..colon]).AsSpan().Trim();
                if (candidate.Equals(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A list being replaced under us must not turn a registration into a 500; the other rules still apply.
            return false;
        }

        return false;
    }
}

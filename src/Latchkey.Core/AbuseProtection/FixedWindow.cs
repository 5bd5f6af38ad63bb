using Latchkey.Core.Tokens;

namespace Latchkey.Core.AbuseProtection;

/// <summary>Fixed counting windows and counter keys, shared by the guard and the quiet quota.</summary>
public static class FixedWindow
{
    public static (DateTimeOffset Start, DateTimeOffset End) Of(DateTimeOffset now, TimeSpan length)
    {
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length.Ticks), TimeSpan.Zero);
        return (start, start + length);
    }

    /// <summary>Counter keys are HMAC digests: the table never holds an email or an address in clear.</summary>
    public static string Key(TokenHasher hasher, string key) => Convert.ToBase64String(hasher.Hash(key));
}

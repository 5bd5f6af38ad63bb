using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Mfa;

/// <summary>
/// RFC 6238 TOTP as every authenticator app speaks it: HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch.
/// A code is accepted one step early or late (clock skew); which step matched is returned so the caller can refuse
/// a second use of the same step (RFC 6238 §5.2).
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public const int PeriodSeconds = 30;

    /// <summary>Steps accepted on either side of the current one.</summary>
    public const int Window = 1;

    /// <summary>160-bit secrets, the length RFC 4226 §4 recommends for HMAC-SHA-1.</summary>
    public const int SecretBytes = 20;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / PeriodSeconds;

    /// <summary>The code for one step (RFC 4226 §5.3 dynamic truncation).</summary>
    public static string Compute(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[20];
        // Note: RFC 6238 and every authenticator app use HMAC-SHA-1; collisions in SHA-1 do not weaken HMAC-SHA-1.
#pragma warning disable CA5350
        HMACSHA1.HashData(secret, counter, mac);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step whose code equals <paramref name="code"/> within the window around <paramref name="now"/>, or null.
    /// Every candidate is compared in fixed time, and all of them are computed, so timing does not tell which matched.
    /// </summary>
    public static long? Match(byte[] secret, string code, DateTimeOffset now)
    {
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var presented = Encoding.ASCII.GetBytes(code);
        var current = StepAt(now);
        long? matched = null;
        for (var step = current - Window; step <= current + Window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, step)), presented) && matched is null)
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>The <c>otpauth://</c> URI authenticator apps read from a QR code (Key Uri Format).</summary>
    public static string OtpAuthUri(string issuer, string account, byte[] secret)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return $"otpauth://totp/{label}?secret={Base32.Encode(secret)}&issuer={Uri.EscapeDataString(issuer)}" +
            $"&algorithm=SHA1&digits={Digits}&period={PeriodSeconds}";
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Core.Crypto;

/// <summary>AES-256-GCM for small secrets at rest (nonce ‖ tag ‖ ciphertext), under a key derived for one purpose.</summary>
public sealed class Sealer(byte[] key)
{
    public byte[] Seal(string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        using var aes = new AesGcm(key, 16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[bytes.Length];
        var tag = new byte[16];
        aes.Encrypt(nonce, bytes, ciphertext, tag);
        return [.. nonce, .. tag, .. ciphertext];
    }

    public string Open(byte[] sealedValue)
    {
        using var aes = new AesGcm(key, 16);
        var plaintext = new byte[sealedValue.Length - 28];
        aes.Decrypt(sealedValue.AsSpan(0, 12), sealedValue.AsSpan(28), sealedValue.AsSpan(12, 16), plaintext);
        return Encoding.UTF8.GetString(plaintext);
    }
}

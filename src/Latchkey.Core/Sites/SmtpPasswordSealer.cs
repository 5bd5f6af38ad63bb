using Latchkey.Core.Crypto;

namespace Latchkey.Core.Sites;

/// <summary>Seals SMTP passwords under their own derived key (not the outbox's or MFA's).</summary>
public sealed class SmtpPasswordSealer(Sealer sealer)
{
    public byte[] Seal(string password) => sealer.Seal(password);

    public string Open(byte[] sealedPassword) => sealer.Open(sealedPassword);
}

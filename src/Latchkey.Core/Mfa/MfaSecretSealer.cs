using Latchkey.Core.Crypto;

namespace Latchkey.Core.Mfa;

/// <summary>Seals TOTP secrets under a key derived for MFA only (not the outbox's).</summary>
public sealed class MfaSecretSealer(Sealer sealer)
{
    public byte[] Seal(byte[] secret) => sealer.Seal(Base32.Encode(secret));

    public byte[] Open(byte[] sealedSecret) => Base32.Decode(sealer.Open(sealedSecret));
}

using Latchkey.Core.Crypto;

namespace Latchkey.Core.SocialSignIn;

/// <summary>Seals identity providers' client secrets and Apple's private keys under their own derived key.</summary>
public sealed class IdentityProviderSecretSealer(Sealer sealer)
{
    public byte[] Seal(string secret) => sealer.Seal(secret);

    public string Open(byte[] sealedSecret) => sealer.Open(sealedSecret);
}

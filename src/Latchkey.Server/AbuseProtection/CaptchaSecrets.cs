using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Crypto;
using Latchkey.Server.Configuration;

namespace Latchkey.Server.AbuseProtection;

/// <summary>Provider secrets at rest: sealed (AES-GCM) with a key derived from the master key for this purpose only.</summary>
public sealed class CaptchaSecrets(MasterKey masterKey)
{
    private readonly Sealer _sealer = new(masterKey.Derive("captcha-secret/v1"));

    public string Seal(string secret) => Convert.ToBase64String(_sealer.Seal(secret));

    public string? Open(CaptchaPolicy policy) =>
        policy.SealedSecret is { Length: > 0 } sealedSecret ? _sealer.Open(Convert.FromBase64String(sealedSecret)) : null;
}

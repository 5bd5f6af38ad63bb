namespace Latchkey.Core.Clients;

/// <summary>How a client is treated at the token endpoint (docs/tokens.md#refresh-policy-per-client).</summary>
public enum ClientKind
{
    /// <summary>The Wix SDK's kind: public, stable refresh tokens (the SDK keeps its first one).</summary>
    WixSdk = 1,

    /// <summary>Any other OAuth client: rotating refresh tokens with reuse detection.</summary>
    Standard = 2,
}

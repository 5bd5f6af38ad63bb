namespace Latchkey.Core.Mfa;

/// <summary>The second factors a member can present (Wix <c>FactorType</c> names on the wire).</summary>
public enum MfaFactor
{
    Totp = 1,
    RecoveryCode = 2,
}

namespace Latchkey.Core.Flows;

/// <summary>What a flow is for.</summary>
public enum FlowKind
{
    Registration = 1,
    Login = 2,

    /// <summary>Password recovery: the emailed link's token is the state token.</summary>
    Recovery = 3,

    /// <summary>
    /// Verification API Start (docs/wire/verification.md#start): an emailed code that verifies the member's email
    /// outside a login. The <c>verificationId</c> is the state token. It never leads to a session.
    /// </summary>
    Verification = 4,

    /// <summary>
    /// Enumeration-safe registration with a taken email (docs/abuse-protection.md#enumeration): looks like a
    /// registration waiting for its code, but no code exists, resends send nothing, and it can only fail.
    /// </summary>
    DecoyRegistration = 5,
}

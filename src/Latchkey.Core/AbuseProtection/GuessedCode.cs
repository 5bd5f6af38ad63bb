namespace Latchkey.Core.AbuseProtection;

/// <summary>Which of a member's codes a guess is counted under.</summary>
public enum GuessedCode
{
    /// <summary>TOTP and MFA recovery codes, at login and on the member's own <c>/mfa/v1/*</c> endpoints.</summary>
    SecondFactor = 1,

    /// <summary>Emailed six-digit codes, in every flow that sends one (registration, login, Start verification).</summary>
    EmailCode = 2,
}

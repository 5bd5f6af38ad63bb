namespace Latchkey.Core.Mfa;

/// <summary>What checking a presented code found.</summary>
public enum MfaCheck
{
    Accepted = 1,
    Wrong = 2,

    /// <summary>A right TOTP code for a step that was already used (RFC 6238 §5.2: one use per code).</summary>
    Reused = 3,
}

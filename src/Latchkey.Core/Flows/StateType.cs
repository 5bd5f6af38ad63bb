namespace Latchkey.Core.Flows;

/// <summary>
/// The Wix <c>StateType</c> (docs/wire/state-machine.md#statetype) that a <c>StateMachineResponse</c> carries.
/// </summary>
public enum StateType
{
    Success = 1,
    RequireOwnerApproval = 2,
    RequireEmailVerification = 3,

    /// <summary>
    /// Hidden in the Wix runtime enum (docs/wire/state-machine.md#statetype); Latchkey uses it for TOTP and recovery
    /// codes.
    /// </summary>
    RequireMfa = 4,
}

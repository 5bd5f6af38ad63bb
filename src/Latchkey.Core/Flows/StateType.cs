namespace Latchkey.Core.Flows;

/// <summary>The Wix <c>StateType</c> (contract §8.2) that a <c>StateMachineResponse</c> carries.</summary>
public enum StateType
{
    Success = 1,
    RequireOwnerApproval = 2,
    RequireEmailVerification = 3,

    /// <summary>Hidden in the Wix runtime enum (contract §8.2); Latchkey uses it for TOTP and recovery codes.</summary>
    RequireMfa = 4,
}

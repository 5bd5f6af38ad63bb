namespace Latchkey.Core.Flows;

/// <summary>The Wix <c>StateType</c> (contract §8.2) that a <c>StateMachineResponse</c> carries.</summary>
public enum StateType
{
    Success = 1,
    RequireOwnerApproval = 2,
    RequireEmailVerification = 3,
}

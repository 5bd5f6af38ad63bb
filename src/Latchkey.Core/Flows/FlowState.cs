namespace Latchkey.Core.Flows;

/// <summary>Where a flow stands.</summary>
public enum FlowState
{
    Started = 0,
    RequireEmailVerification = 1,
    RequireOwnerApproval = 2,
    Succeeded = 3,
    Failed = 4,
    RequireNewPassword = 5,

    /// <summary>The password was right; a second factor (TOTP or a recovery code) is needed (beyond Wix).</summary>
    RequireMfa = 6,
}

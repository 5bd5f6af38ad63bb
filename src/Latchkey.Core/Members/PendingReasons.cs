namespace Latchkey.Core.Members;

/// <summary>Why a member is <see cref="MemberStatus.Pending"/> (Wix <c>V1Reason</c>).</summary>
[Flags]
public enum PendingReasons
{
    None = 0,
    EmailVerificationRequired = 1,
    AdminApprovalRequired = 2,
}

namespace Latchkey.Core.Members;

/// <summary>Identity status, as the Wix <c>StatusName</c> enum names it.</summary>
public enum MemberStatus
{
    Active = 1,
    Pending = 2,
    Blocked = 3,
    Deleted = 4,
}

/// <summary>Why a member is <see cref="MemberStatus.Pending"/> (Wix <c>V1Reason</c>).</summary>
[Flags]
public enum PendingReasons
{
    None = 0,
    EmailVerificationRequired = 1,
    AdminApprovalRequired = 2,
}

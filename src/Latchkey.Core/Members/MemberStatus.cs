namespace Latchkey.Core.Members;

/// <summary>Identity status, as the Wix <c>StatusName</c> enum names it.</summary>
public enum MemberStatus
{
    Active = 1,
    Pending = 2,
    Blocked = 3,
    Deleted = 4,
}

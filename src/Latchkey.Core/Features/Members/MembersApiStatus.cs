using Latchkey.Core.Members;

namespace Latchkey.Core.Features.Members;

/// <summary>
/// The Members API's names for a member's status and privacy (docs/wire/members.md#the-member), which differ from
/// the identity's (<c>ACTIVE</c> is <c>APPROVED</c> here; <c>UNDEFINED</c> privacy is <c>UNKNOWN</c>).
/// </summary>
public static class MembersApiStatus
{
    /// <summary>What the Members API returns when the fieldset hides a status.</summary>
    public const string Unknown = "UNKNOWN";

    public static string Name(MemberStatus status) => status switch
    {
        MemberStatus.Active => "APPROVED",
        MemberStatus.Pending => "PENDING",
        MemberStatus.Blocked => "BLOCKED",
        _ => Unknown,
    };

    public static string PrivacyName(MemberPrivacy privacy) => privacy switch
    {
        MemberPrivacy.Public => "PUBLIC",
        MemberPrivacy.Private => "PRIVATE",
        _ => Unknown,
    };
}

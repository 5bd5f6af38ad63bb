namespace Latchkey.Core.Features.Members;

/// <summary>
/// Who asks the Members API (docs/wire/members.md#who-sees-what): the site of the credential, the member of a
/// member token (null for a visitor or an API key), and whether it is an API key with the admin permission.
/// </summary>
public sealed record MembersCaller(Guid SiteId, Guid? MemberId, bool IsAdmin)
{
    /// <summary>Whether <paramref name="memberId"/> is the caller's own record.</summary>
    public bool IsSelf(Guid memberId) => MemberId == memberId;
}

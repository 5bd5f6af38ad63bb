namespace Latchkey.Core.Members;

/// <summary>
/// Who may see a member through the Members API (docs/wire/members.md#who-sees-what): the identity profile's
/// <c>privacyStatus</c>. Only <see cref="Public"/> members appear to other members and visitors.
/// </summary>
public enum MemberPrivacy
{
    /// <summary>Never chosen (<c>UNDEFINED</c> in the identity, <c>UNKNOWN</c> in the Members API): treated as private.</summary>
    Undefined = 0,
    Public = 1,
    Private = 2,
}

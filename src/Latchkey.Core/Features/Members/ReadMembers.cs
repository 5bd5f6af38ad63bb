using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Members;

/// <summary>A member as the caller may see it: the record and the largest fieldset the caller was granted.</summary>
public sealed record MemberShown(Member Member, MemberFieldset Fieldset);

/// <summary>A page of members as the caller may see them, the offset asked for, and how many match in all.</summary>
public sealed record MembersShown(IReadOnlyList<MemberShown> Members, int Offset, int Total);

/// <summary>
/// The Members API's reads (docs/wire/members.md#who-sees-what): an admin API key sees every member of its site in any
/// fieldset; a member sees its own record in any fieldset; everyone else (other members, visitors, API keys without
/// the admin permission) sees active, public members in the <c>PUBLIC</c> fieldset only, and may neither filter nor
/// sort on what that fieldset hides (the login email, the status), which would reveal it one question at a time. A
/// member they may not see is answered as one that does not exist.
/// </summary>
public sealed class ReadMembers(IMemberStore members, IMemberDirectory directory)
{
    /// <summary>One member; <paramref name="memberId"/> null is the caller's own record (<c>/my</c>).</summary>
    public async Task<Result<MemberShown>> GetAsync(MembersCaller caller, Guid? memberId, MemberFieldset requested, CancellationToken cancellationToken)
    {
        var id = memberId ?? caller.MemberId ?? throw new InvalidOperationException("Only a member asks for its own record.");
        var member = await members.FindAsync(caller.SiteId, id, cancellationToken);
        if (member is null || member.Status == MemberStatus.Deleted)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        if (caller.IsAdmin || caller.IsSelf(id))
        {
            return new MemberShown(member, requested);
        }

        return IsPublic(member) ? new MemberShown(member, MemberFieldset.Public) : LatchkeyErrors.MemberIdNotFound;
    }

    /// <summary>A page of the site's members (listMembers, queryMembers).</summary>
    public async Task<Result<MembersShown>> ListAsync(
        MembersCaller caller, MemberListRequest request, MemberFieldset requested, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin && request.ReadsPrivateFields)
        {
            return LatchkeyErrors.PermissionDenied.WithDetail(
                "Only an admin API key may filter or sort members by loginEmail or status: other callers see the PUBLIC fieldset, which holds neither.");
        }

        var page = await directory.QueryAsync(
            caller.SiteId, new MemberListQuery(request.Filter, request.Sort, request.Offset, request.Limit, PublicOnly: !caller.IsAdmin), cancellationToken);
        var fieldset = caller.IsAdmin ? requested : MemberFieldset.Public;
        return new MembersShown([.. page.Members.Select(m => new MemberShown(m, fieldset))], request.Offset, page.Total);
    }

    /// <summary>Visible to other members and visitors: active (approved) and public.</summary>
    public static bool IsPublic(Member member) => member.Status == MemberStatus.Active && member.Privacy == MemberPrivacy.Public;
}

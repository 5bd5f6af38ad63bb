using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Members;

/// <summary>
/// updateCurrentMemberSlug (<c>POST /members/v1/members/my/slug</c>): the member sets the slug of its profile page,
/// unique per site (docs/wire/members.md#slugs). A slug another member holds is refused with
/// <c>slug_already_exists</c>, also when the other member took it a moment ago (the unique index decides).
/// </summary>
public sealed class ChangeMemberSlug(IMemberStore members, IMemberDirectory directory, TimeProvider clock)
{
    public async Task<Result<Member>> HandleAsync(MembersCaller caller, string? slug, CancellationToken cancellationToken)
    {
        var memberId = caller.MemberId ?? throw new InvalidOperationException("Only a member changes its own slug.");
        if (MemberSlug.Parse(slug) is not { } wanted)
        {
            return LatchkeyErrors.Validation(new FieldViolation("slug",
                $"A slug has 1 to {MemberSlug.MaxLength} letters, digits, '-', '_' or '.', and neither starts nor ends with '-'.", "FORMAT", "SLUG"));
        }

        var member = await members.FindAsync(caller.SiteId, memberId, cancellationToken);
        if (member is null || member.Status == MemberStatus.Deleted)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        if (member.Slug == wanted)
        {
            return member;
        }

        if (await directory.FindBySlugAsync(caller.SiteId, wanted, cancellationToken) is not null)
        {
            return LatchkeyErrors.SlugAlreadyExists;
        }

        member.Profile = member.Profile with { Slug = wanted };
        member.Touch(clock.GetUtcNow());
        return await directory.TrySaveSlugAsync(member, cancellationToken) ? member : LatchkeyErrors.SlugAlreadyExists;
    }
}

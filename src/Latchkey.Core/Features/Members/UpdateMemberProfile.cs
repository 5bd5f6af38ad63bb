using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Members;

/// <summary>
/// What updateMember may change (docs/wire/members.md#updatemember): <see cref="Profile"/> holds the identity-profile
/// fields the request named (null: unchanged, empty text or list: cleared). The read-only fields are here only to
/// be checked: a request may repeat their current value (a member read and sent back whole), never change it.
/// </summary>
public sealed record MemberPatch
{
    public IdentityProfile Profile { get; init; } = IdentityProfile.Empty;

    /// <summary><c>PUBLIC</c> or <c>PRIVATE</c>; <c>UNKNOWN</c> or null leave it.</summary>
    public string? PrivacyStatus { get; init; }

    public string? LoginEmail { get; init; }

    public string? Status { get; init; }

    public string? Slug { get; init; }
}

/// <summary>
/// updateMember (<c>PATCH /members/v1/members/{id}</c>): a member changes its own contact and profile details and
/// its privacy status; an admin API key any member's of its site. Nobody changes the login email (it is the
/// sign-in identity, changed only through a verified flow), the status (approve and block) or the slug (its own call)
/// here. Profile fields land in the same record the Authentication API's <c>identity</c> shows.
/// </summary>
public sealed class UpdateMemberProfile(IMemberStore members, TimeProvider clock)
{
    public const int MaxListEntries = 50;

    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["profile.firstName"] = "member.contact.firstName",
        ["profile.lastName"] = "member.contact.lastName",
        ["profile.company"] = "member.contact.company",
        ["profile.position"] = "member.contact.jobTitle",
        ["profile.birthdate"] = "member.contact.birthdate",
        ["profile.nickname"] = "member.profile.nickname",
        ["profile.picture"] = "member.profile.photo.url",
        ["profile.title"] = "member.profile.title",
        ["profile.cover"] = "member.profile.cover",
    };

    public async Task<Result<Member>> HandleAsync(MembersCaller caller, Guid memberId, MemberPatch patch, CancellationToken cancellationToken)
    {
        // Checked before the look-up: whether another member exists is not the caller's to learn here.
        if (!caller.IsAdmin && !caller.IsSelf(memberId))
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("A member may update only its own record; an admin API key any member of its site.");
        }

        var member = await members.FindAsync(caller.SiteId, memberId, cancellationToken);
        if (member is null || member.Status == MemberStatus.Deleted)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        var violations = Check(member, patch);
        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var profile = Merge(member.Profile, patch.Profile);
        if (Member.ParsePrivacy(patch.PrivacyStatus) is var privacy && privacy != MemberPrivacy.Undefined)
        {
            profile = profile with { PrivacyStatus = MembersApiStatus.PrivacyName(privacy) };
        }

        member.Profile = profile;
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        return member;
    }

    private static List<FieldViolation> Check(Member member, MemberPatch patch)
    {
        var violations = ProfileRules.Check(patch.Profile)
            .Select(v => v with { Field = Fields.GetValueOrDefault(v.Field, v.Field) }).ToList();
        if (patch.LoginEmail is { } email && EmailAddress.Normalize(email) != member.NormalizedEmail)
        {
            violations.Add(ReadOnly("member.loginEmail", "The login email cannot be changed through the Members API."));
        }

        if (patch.Status is { } status && status != MembersApiStatus.Unknown && status != MembersApiStatus.Name(member.Status))
        {
            violations.Add(ReadOnly("member.status", "The status is changed by approving or blocking the member."));
        }

        if (patch.Slug is { } slug && MemberSlug.From(slug) != member.Slug)
        {
            violations.Add(ReadOnly("member.profile.slug", "The slug is changed with its own call (POST /members/v1/members/my/slug)."));
        }

        if (patch.PrivacyStatus is { } privacy && privacy != MembersApiStatus.Unknown && Member.ParsePrivacy(privacy) == MemberPrivacy.Undefined)
        {
            violations.Add(new FieldViolation("member.privacyStatus", "privacyStatus is PUBLIC or PRIVATE.", "ENUM", "STRING"));
        }

        foreach (var (field, list) in new[] { ("member.contact.phones", patch.Profile.Phones?.Count), ("member.contact.emails", patch.Profile.Emails?.Count), ("member.contact.addresses", patch.Profile.Addresses?.Count) })
        {
            if (list > MaxListEntries)
            {
                violations.Add(new FieldViolation(field, $"At most {MaxListEntries} entries.", "MAX_SIZE", "LIST"));
            }
        }

        foreach (var address in patch.Profile.Emails ?? [])
        {
            if (address is null || !EmailAddress.IsWellFormed(address) || address.Length > EmailAddress.MaxLength)
            {
                violations.Add(new FieldViolation("member.contact.emails", $"'{address}' is not a valid email address.", "FORMAT", "EMAIL", "EMAIL"));
            }
        }

        foreach (var phone in patch.Profile.Phones ?? [])
        {
            if (phone is null or { Length: 0 or > 100 })
            {
                violations.Add(new FieldViolation("member.contact.phones", "A phone number has 1 to 100 characters.", "MAX_LENGTH", "STRING"));
            }
        }

        return violations;
    }

    private static FieldViolation ReadOnly(string field, string description) => new(field, description, "READ_ONLY", "STRING");

    /// <summary>The fields the patch names replace the member's; empty text or an empty list clears one.</summary>
    private static IdentityProfile Merge(IdentityProfile current, IdentityProfile patch) => current with
    {
        FirstName = Text(current.FirstName, patch.FirstName),
        LastName = Text(current.LastName, patch.LastName),
        Nickname = Text(current.Nickname, patch.Nickname),
        Picture = Text(current.Picture, patch.Picture),
        Company = Text(current.Company, patch.Company),
        Position = Text(current.Position, patch.Position),
        Birthdate = Text(current.Birthdate, patch.Birthdate),
        Title = Text(current.Title, patch.Title),
        Phones = List(current.Phones, patch.Phones),
        Emails = List(current.Emails, patch.Emails),
        Addresses = List(current.Addresses, patch.Addresses),
        Cover = patch.Cover ?? current.Cover,
    };

    private static string? Text(string? current, string? update) => update is null ? current : update.Length == 0 ? null : update;

    private static IReadOnlyList<T>? List<T>(IReadOnlyList<T>? current, IReadOnlyList<T>? update) =>
        update is null ? current : update.Count == 0 ? null : update;
}

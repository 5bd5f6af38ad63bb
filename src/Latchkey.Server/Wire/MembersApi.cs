using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Members;
using Latchkey.Core.Members;

namespace Latchkey.Server.Wire;

/// <summary>queryMembers (docs/wire/members.md#querymembers): the query, the fieldsets, and a free-text search Latchkey refuses.</summary>
public sealed record QueryMembersRequest(JsonElement? Query, IReadOnlyList<string?>? Fieldsets, JsonElement? Search);

/// <summary>updateMember (docs/wire/members.md#updatemember).</summary>
public sealed record UpdateMemberRequest(MemberInput? Member);

/// <summary>updateCurrentMemberSlug (docs/wire/members.md#slugs).</summary>
public sealed record UpdateSlugRequest(string? Slug);

/// <summary>The member of an updateMember request; fields the request leaves out stay as they are.</summary>
public sealed record MemberInput(
    string? Id, string? LoginEmail, string? Status, MemberContactInput? Contact, MemberProfileInput? Profile, string? PrivacyStatus)
{
    /// <summary>The Core patch: contact and profile fields as the identity profile names them (docs/wire/members.md#one-record).</summary>
    public Result<MemberPatch> ToPatch(Guid memberId)
    {
        var violations = new List<FieldViolation>();
        if (Id is { Length: > 0 } id && (!Guid.TryParse(id, out var given) || given != memberId))
        {
            violations.Add(new FieldViolation("member.id", "member.id, when sent, is the id in the path.", "FORMAT", "GUID"));
        }

        var picture = Profile?.Photo is { } photo ? ImageUrl(photo, "member.profile.photo", violations) : null;
        if (Profile?.Cover is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null })
        {
            violations.Add(new FieldViolation("member.profile.cover", "cover is an image object.", "FORMAT", "IMAGE"));
        }

        var addresses = Contact?.Addresses?.Select((a, i) => MembersApiAddress.ToIdentity(a, $"member.contact.addresses[{i}]", violations)).ToList();
        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        return new MemberPatch
        {
            LoginEmail = LoginEmail,
            Status = Status,
            PrivacyStatus = PrivacyStatus,
            Slug = Profile?.Slug,
            Profile = new IdentityProfile
            {
                FirstName = Contact?.FirstName,
                LastName = Contact?.LastName,
                Phones = Contact?.Phones,
                Emails = Contact?.Emails,
                Addresses = addresses,
                Birthdate = Contact?.Birthdate,
                Company = Contact?.Company,
                Position = Contact?.JobTitle,
                Nickname = Profile?.Nickname,
                Picture = picture,
                Cover = Profile?.Cover is { ValueKind: JsonValueKind.Object } cover ? cover : null,
                Title = Profile?.Title,
            },
        };
    }

    /// <summary>The url of an image object; an image without one (<c>{}</c>) clears it.</summary>
    private static string? ImageUrl(JsonElement image, string field, List<FieldViolation> violations)
    {
        if (image.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (image.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new FieldViolation(field, "photo is an image object with a url.", "FORMAT", "IMAGE"));
            return null;
        }

        if (!image.TryGetProperty("url", out var url) || url.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (url.ValueKind != JsonValueKind.String)
        {
            violations.Add(new FieldViolation(field + ".url", "url is a string.", "FORMAT", "URL"));
            return null;
        }

        return url.GetString();
    }
}

public sealed record MemberContactInput(
    string? FirstName, string? LastName, IReadOnlyList<string>? Phones, IReadOnlyList<string>? Emails, IReadOnlyList<JsonElement>? Addresses,
    string? Birthdate, string? Company, string? JobTitle);

public sealed record MemberProfileInput(string? Nickname, string? Slug, JsonElement? Photo, JsonElement? Cover, string? Title);

/// <summary>getMember, getCurrentMember, updateMember and updateCurrentMemberSlug answer <c>{member}</c>.</summary>
public sealed record MembersApiMemberResponse(MembersApiMember Member)
{
    public static MembersApiMemberResponse From(MemberShown shown) => new(MembersApiMember.From(shown.Member, shown.Fieldset));

    /// <summary>A member changing its own record, or an admin, sees all of it.</summary>
    public static MembersApiMemberResponse Full(Member member) => new(MembersApiMember.From(member, MemberFieldset.Full));
}

/// <summary>listMembers and queryMembers answer <c>{members, metadata}</c>.</summary>
public sealed record MembersApiListResponse(IReadOnlyList<MembersApiMember> Members, MembersApiPagingMetadata Metadata)
{
    public static MembersApiListResponse From(MembersShown shown) => new(
        [.. shown.Members.Select(m => MembersApiMember.From(m.Member, m.Fieldset))],
        new MembersApiPagingMetadata(shown.Members.Count, shown.Offset, shown.Total, TooManyToCount: false));
}

public sealed record MembersApiPagingMetadata(int Count, int Offset, int Total, bool TooManyToCount);

/// <summary>
/// The Wix <c>Member</c> (docs/wire/members.md#the-member), cut to a fieldset: <c>PUBLIC</c> has the id, the contact id,
/// the dates and the profile, with the three statuses <c>UNKNOWN</c>; <c>EXTENDED</c> adds the login email and the
/// statuses; <c>FULL</c> the contact, the email's verification and the last login. Absent fields are left out.
/// </summary>
public sealed record MembersApiMember
{
    public required string Id { get; init; }
    public string? LoginEmail { get; init; }
    public bool? LoginEmailVerified { get; init; }
    public required string Status { get; init; }

    /// <summary>Latchkey has no separate contact records: a member's contact id is its own id.</summary>
    public required string ContactId { get; init; }
    public MembersApiContact? Contact { get; init; }
    public required MembersApiProfile Profile { get; init; }
    public required string PrivacyStatus { get; init; }
    public required string ActivityStatus { get; init; }
    public DateTimeOffset CreatedDate { get; init; }
    public DateTimeOffset UpdatedDate { get; init; }
    public DateTimeOffset? LastLoginDate { get; init; }

    public static MembersApiMember From(Member member, MemberFieldset fieldset)
    {
        var profile = member.Profile;
        var extended = fieldset >= MemberFieldset.Extended;
        var full = fieldset == MemberFieldset.Full;
        return new MembersApiMember
        {
            Id = member.Id.ToString(),
            ContactId = member.Id.ToString(),
            CreatedDate = member.CreatedAt,
            UpdatedDate = member.UpdatedAt,
            Profile = new MembersApiProfile(
                profile.Nickname,
                profile.Slug,
                profile.Picture is { Length: > 0 } picture ? new JsonObject { ["url"] = picture } : null,
                profile.Cover is { ValueKind: JsonValueKind.Object } cover && cover.EnumerateObject().Any() ? cover : null,
                profile.Title),
            LoginEmail = extended ? member.Email : null,
            Status = extended ? MembersApiStatus.Name(member.Status) : MembersApiStatus.Unknown,
            PrivacyStatus = extended ? MembersApiStatus.PrivacyName(member.Privacy) : MembersApiStatus.Unknown,
            ActivityStatus = extended ? "ACTIVE" : MembersApiStatus.Unknown,
            LoginEmailVerified = full ? member.EmailVerified : null,
            LastLoginDate = full ? member.LastLoginAt : null,
            Contact = full
                ? new MembersApiContact(profile.FirstName, profile.LastName, profile.Phones ?? [], profile.Emails ?? [],
                    [.. (profile.Addresses ?? []).Select(MembersApiAddress.FromIdentity)], profile.Birthdate, profile.Company, profile.Position)
                : null,
        };
    }
}

public sealed record MembersApiContact(
    string? FirstName, string? LastName, IReadOnlyList<string> Phones, IReadOnlyList<string> Emails, IReadOnlyList<JsonObject> Addresses,
    string? Birthdate, string? Company, string? JobTitle);

public sealed record MembersApiProfile(string? Nickname, string? Slug, JsonObject? Photo, JsonElement? Cover, string? Title);

/// <summary>
/// Addresses in the two shapes: the Members API's <c>{streetAddress {number, name}, addressLine, addressLine2, city,
/// subdivision, country, postalCode}</c> and the identity profile's <c>{address {…, streetNumber, streetName}, tag}</c>,
/// which is how they are stored.
/// </summary>
public static class MembersApiAddress
{
    private static readonly string[] Plain = ["addressLine", "addressLine2", "city", "subdivision", "country", "postalCode"];

    public static JsonElement ToIdentity(JsonElement address, string field, List<FieldViolation> violations)
    {
        var inner = new JsonObject();
        if (address.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new FieldViolation(field, "An address is an object.", "FORMAT", "ADDRESS"));
            return default;
        }

        foreach (var name in Plain)
        {
            if (address.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > 200)
                {
                    violations.Add(new FieldViolation($"{field}.{name}", $"{name} is a string of at most 200 characters.", "FORMAT", "STRING"));
                    continue;
                }

                inner[name] = value.GetString();
            }
        }

        if (address.TryGetProperty("streetAddress", out var street) && street.ValueKind == JsonValueKind.Object)
        {
            foreach (var (from, to) in new[] { ("number", "streetNumber"), ("name", "streetName") })
            {
                if (street.TryGetProperty(from, out var part) && part.ValueKind == JsonValueKind.String && part.GetString()!.Length <= 200)
                {
                    inner[to] = part.GetString();
                }
            }
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["address"] = inner, ["tag"] = "UNTAGGED" });
    }

    public static JsonObject FromIdentity(JsonElement stored)
    {
        var address = new JsonObject();
        if (stored.ValueKind != JsonValueKind.Object || !stored.TryGetProperty("address", out var inner) || inner.ValueKind != JsonValueKind.Object)
        {
            return address;
        }

        foreach (var name in Plain)
        {
            if (inner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                address[name] = value.GetString();
            }
        }

        var street = new JsonObject();
        foreach (var (from, to) in new[] { ("streetNumber", "number"), ("streetName", "name") })
        {
            if (inner.TryGetProperty(from, out var part) && part.ValueKind == JsonValueKind.String)
            {
                street[to] = part.GetString();
            }
        }

        if (street.Count > 0)
        {
            address["streetAddress"] = street;
        }

        return address;
    }
}

/// <summary>
/// listMembers' query string (docs/wire/members.md#listmembers). The SDK flattens plain parameters
/// (<c>paging.limit=10&amp;fieldsets=FULL</c>) but packs a request with nested arrays (any <c>sorting</c>) into one
/// <c>.r</c> parameter: base64url (unpadded) of the request's JSON. Both become the query object the parser reads.
/// </summary>
public static class MembersQueryString
{
    public sealed record ListParameters(JsonElement? Query, IReadOnlyList<string?> Fieldsets);

    public static Result<ListParameters> Read(IQueryCollection query)
    {
        if (query.TryGetValue(".r", out var packed))
        {
            return Unpack(packed.ToString());
        }

        var paging = new JsonObject();
        foreach (var name in new[] { "limit", "offset" })
        {
            if (query.TryGetValue("paging." + name, out var value))
            {
                paging[name] = value.ToString();
            }
        }

        var request = new JsonObject { ["paging"] = paging };
        if (query.TryGetValue("sorting.fieldName", out var field))
        {
            request["sorting"] = new JsonArray(new JsonObject { ["fieldName"] = field.ToString(), ["order"] = query["sorting.order"].ToString() is { Length: > 0 } order ? order : null });
        }

        return new ListParameters(JsonSerializer.SerializeToElement(request), [.. query["fieldsets"]]);
    }

    private static Result<ListParameters> Unpack(string packed)
    {
        JsonElement request;
        try
        {
            var base64 = packed.Replace('-', '+').Replace('_', '/');
            var json = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
            request = JsonSerializer.Deserialize<JsonElement>(Encoding.UTF8.GetString(json));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return LatchkeyErrors.QueryInvalid.WithDetail(".r: not the base64url JSON of a listMembers request.");
        }

        if (request.ValueKind != JsonValueKind.Object)
        {
            return LatchkeyErrors.QueryInvalid.WithDetail(".r: the packed request is not a JSON object.");
        }

        var fieldsets = new List<string?>();
        if (request.TryGetProperty("fieldsets", out var names) && names.ValueKind != JsonValueKind.Null)
        {
            if (names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
            {
                return LatchkeyErrors.Validation(new FieldViolation("fieldsets", "fieldsets is an array of PUBLIC, EXTENDED or FULL.", "FORMAT", "FIELDSET"));
            }

            fieldsets.AddRange(names.EnumerateArray().Select(n => n.GetString()));
        }

        return new ListParameters(request, fieldsets);
    }
}

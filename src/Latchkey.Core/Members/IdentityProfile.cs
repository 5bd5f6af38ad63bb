using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.Core.Members;

/// <summary>
/// The Wix <c>IdentityProfile</c> (docs/wire/state-machine.md#identityprofile). Structured sub-objects (addresses,
/// phones, custom fields) are kept as JSON so that a round trip never drops what a client sent.
/// </summary>
public sealed record IdentityProfile
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Nickname { get; init; }
    public string? Picture { get; init; }
    public string? Language { get; init; }
    public string? Company { get; init; }
    public string? Position { get; init; }
    public string? Birthdate { get; init; }
    public string? Slug { get; init; }
    public string? VatId { get; init; }
    public bool? Subscription { get; init; }
    public string? PrivacyStatus { get; init; }
    public IReadOnlyList<string>? Emails { get; init; }
    public IReadOnlyList<string>? Phones { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public IReadOnlyList<JsonElement>? CustomFields { get; init; }
    public IReadOnlyList<JsonElement>? SecondaryEmails { get; init; }
    public IReadOnlyList<JsonElement>? PhonesV2 { get; init; }
    public IReadOnlyList<JsonElement>? Addresses { get; init; }

    /// <summary>The Members API's <c>profile.title</c> (docs/wire/members.md#the-member); not part of the Wix identity.</summary>
    public string? Title { get; init; }

    /// <summary>The Members API's <c>profile.cover</c> image, as the client sent it; not part of the Wix identity.</summary>
    public JsonElement? Cover { get; init; }

    public static IdentityProfile Empty { get; } = new();

    /// <summary>Sign-on "updates the profile when present": fields the caller sent win, the rest stay.</summary>
    public IdentityProfile MergeFrom(IdentityProfile? update) => update is null ? this : new IdentityProfile
    {
        FirstName = update.FirstName ?? FirstName,
        LastName = update.LastName ?? LastName,
        Nickname = update.Nickname ?? Nickname,
        Picture = update.Picture ?? Picture,
        Language = update.Language ?? Language,
        Company = update.Company ?? Company,
        Position = update.Position ?? Position,
        Birthdate = update.Birthdate ?? Birthdate,
        Slug = update.Slug ?? Slug,
        VatId = update.VatId ?? VatId,
        Subscription = update.Subscription ?? Subscription,
        PrivacyStatus = update.PrivacyStatus ?? PrivacyStatus,
        Emails = update.Emails ?? Emails,
        Phones = update.Phones ?? Phones,
        Labels = update.Labels ?? Labels,
        CustomFields = update.CustomFields ?? CustomFields,
        SecondaryEmails = update.SecondaryEmails ?? SecondaryEmails,
        PhonesV2 = update.PhonesV2 ?? PhonesV2,
        Addresses = update.Addresses ?? Addresses,
        Title = update.Title ?? Title,
        Cover = update.Cover ?? Cover,
    };

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static IdentityProfile FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? Empty : JsonSerializer.Deserialize<IdentityProfile>(json, JsonOptions) ?? Empty;
}

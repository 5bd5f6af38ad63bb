using System.Globalization;
using Latchkey.Core.Features;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;

namespace Latchkey.Server.Wire;

/// <summary>The Wix <c>StateMachineResponse</c> (docs/wire/state-machine.md#statemachineresponse).</summary>
public sealed record StateMachineResponse(string State, IdentityDto Identity, string? SessionToken, string? StateToken)
{
    public IReadOnlyDictionary<string, object> AdditionalData { get; init; } = new Dictionary<string, object>();

    /// <summary>
    /// Only with REQUIRE_MFA: the names of the SDK's hidden typings (docs/wire/state-machine.md#statemachineresponse,
    /// docs/wire/state-machine.md#flows-and-states-in-latchkey).
    /// </summary>
    public RequireMfaData? RequireMfaData { get; init; }

    public static StateMachineResponse From(AuthOutcome outcome) =>
        new(Name(outcome.State), IdentityDto.From(outcome.Member), outcome.SessionToken, outcome.StateToken)
        {
            RequireMfaData = outcome.State == StateType.RequireMfa
                ? new RequireMfaData([.. outcome.AvailableFactors.Select(f => new MfaFactorDto(FactorName(f), "ENABLED"))], "USER_SETTINGS")
                : null,
        };

    public static string FactorName(MfaFactor factor) => factor == MfaFactor.Totp ? "TOTP" : "RECOVERY_CODE";

    private static string Name(StateType state) => state switch
    {
        StateType.Success => "SUCCESS",
        StateType.RequireOwnerApproval => "REQUIRE_OWNER_APPROVAL",
        StateType.RequireEmailVerification => "REQUIRE_EMAIL_VERIFICATION",
        StateType.RequireMfa => "REQUIRE_MFA",
        _ => "UNKNOWN_STATE",
    };
}

/// <summary><c>requireMfaData</c>: which factors can continue the flow, and why MFA is asked (<c>MfaReason</c>).</summary>
public sealed record RequireMfaData(IReadOnlyList<MfaFactorDto> AvailableFactors, string Reason);

public sealed record MfaFactorDto(string FactorType, string FactorStatus);

/// <summary>Sign On's answer (docs/wire/authentication.md#sign-on).</summary>
public sealed record SignOnResponse(string SessionToken, IdentityDto Identity);

public sealed record ValidateEmailResponse(bool Valid, bool FormatInvalid, ValidateEmailFailure? Failure);

public sealed record ValidateEmailFailure(string Reason);

/// <summary>
/// The Wix <c>Identity</c> (docs/wire/state-machine.md#identity); arrays are always present, never missing.
/// </summary>
public sealed record IdentityDto(
    string Id,
    string Revision,
    DateTimeOffset CreatedDate,
    DateTimeOffset UpdatedDate,
    IReadOnlyList<object> Connections,
    IdentityProfileDto IdentityProfile,
    IdentityMetadata Metadata,
    IdentityEmail Email,
    IdentityStatus Status,
    IReadOnlyList<IdentityFactor> Factors)
{
    public static IdentityDto From(Member member) => new(
        member.Id.ToString(),
        member.Revision.ToString(CultureInfo.InvariantCulture),
        member.CreatedAt,
        member.UpdatedAt,
        [],
        IdentityProfileDto.From(member.Profile),
        new IdentityMetadata([]),
        new IdentityEmail(member.Email, member.EmailVerified),
        new IdentityStatus(StatusName(member.Status), Reasons(member)),
        FactorsOf(member));

    private static List<IdentityFactor> FactorsOf(Member member)
    {
        var factors = new List<IdentityFactor>();
        if (member.PasswordHash is not null)
        {
            factors.Add(new IdentityFactor("password", "PASSWORD", "ACTIVE"));
        }

        if (member.MfaEnabled)
        {
            factors.Add(new IdentityFactor("totp", "TOTP", "ACTIVE"));
        }

        return factors;
    }

    private static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.Active => "ACTIVE",
        MemberStatus.Pending => "PENDING",
        MemberStatus.Blocked => "BLOCKED",
        MemberStatus.Deleted => "DELETED",
        _ => "UNKNOWN_STATUS",
    };

    private static List<string> Reasons(Member member)
    {
        if (member.Status != MemberStatus.Pending)
        {
            return [];
        }

        var reasons = new List<string>();
        if (member.PendingReasons.HasFlag(PendingReasons.EmailVerificationRequired))
        {
            reasons.Add("PENDING_EMAIL_VERIFICATION_REQUIRED");
        }

        if (member.PendingReasons.HasFlag(PendingReasons.AdminApprovalRequired))
        {
            reasons.Add("PENDING_ADMIN_APPROVAL_REQUIRED");
        }

        return reasons;
    }
}

public sealed record IdentityMetadata(IReadOnlyList<string> Tags);

public sealed record IdentityEmail(string Address, bool IsVerified);

public sealed record IdentityStatus(string Name, IReadOnlyList<string> Reasons);

public sealed record IdentityFactor(string FactorId, string Type, string Status);

/// <summary>The profile as the wire shows it: the stored fields plus empty arrays for what is absent.</summary>
public sealed record IdentityProfileDto
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
    public string PrivacyStatus { get; init; } = "UNDEFINED";
    public IReadOnlyList<string> Emails { get; init; } = [];
    public IReadOnlyList<string> Phones { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<System.Text.Json.JsonElement> CustomFields { get; init; } = [];
    public IReadOnlyList<System.Text.Json.JsonElement> SecondaryEmails { get; init; } = [];
    public IReadOnlyList<System.Text.Json.JsonElement> PhonesV2 { get; init; } = [];
    public IReadOnlyList<System.Text.Json.JsonElement> Addresses { get; init; } = [];

    public static IdentityProfileDto From(IdentityProfile p) => new()
    {
        FirstName = p.FirstName,
        LastName = p.LastName,
        Nickname = p.Nickname,
        Picture = p.Picture,
        Language = p.Language,
        Company = p.Company,
        Position = p.Position,
        Birthdate = p.Birthdate,
        Slug = p.Slug,
        VatId = p.VatId,
        Subscription = p.Subscription,
        PrivacyStatus = p.PrivacyStatus ?? "UNDEFINED",
        Emails = p.Emails ?? [],
        Phones = p.Phones ?? [],
        Labels = p.Labels ?? [],
        CustomFields = p.CustomFields ?? [],
        SecondaryEmails = p.SecondaryEmails ?? [],
        PhonesV2 = p.PhonesV2 ?? [],
        Addresses = p.Addresses ?? [],
    };
}

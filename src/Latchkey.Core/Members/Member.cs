namespace Latchkey.Core.Members;

/// <summary>A site member: one identity with an email login and, optionally, a password.</summary>
public sealed class Member
{
    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public bool EmailVerified { get; set; }
    public MemberStatus Status { get; set; }
    public PendingReasons PendingReasons { get; set; }

    /// <summary>PHC string (Argon2id for hashes Latchkey made); null for password-less members.</summary>
    /// <summary>The stored hash's column width (PHC strings are about 100 characters; imported ones are capped here).</summary>
    public const int MaxPasswordHashLength = 512;

    public string? PasswordHash { get; set; }

    public bool PasswordResetRequired { get; set; }

    /// <summary>A confirmed second factor: a correct password leads to REQUIRE_MFA, not SUCCESS.</summary>
    public bool MfaEnabled { get; set; }

    private IdentityProfile _profile = IdentityProfile.Empty;

    /// <summary>
    /// The identity profile. Setting it keeps <see cref="Slug"/>, <see cref="Nickname"/> and <see cref="Privacy"/>,
    /// the columns the Members API filters on, in step with it; reading it shows the slug and privacy status of those
    /// columns (the slug is unique per site there), so the Authentication API's <c>identity</c> and the Members API
    /// always agree (docs/wire/members.md#one-record).
    /// </summary>
    public IdentityProfile Profile
    {
        get
        {
            var privacy = PrivacyName(Privacy);
            return _profile.Slug == Slug && _profile.PrivacyStatus == privacy ? _profile : _profile with { Slug = Slug, PrivacyStatus = privacy };
        }

        set
        {
            var privacy = ParsePrivacy(value.PrivacyStatus);
            _profile = value with { Slug = MemberSlug.From(value.Slug), PrivacyStatus = PrivacyName(privacy) };
            Slug = _profile.Slug;
            Nickname = _profile.Nickname;
            Privacy = privacy;
        }
    }

    /// <summary>The profile page's slug in its normal form (<see cref="MemberSlug"/>), unique per site; null when none.</summary>
    public string? Slug { get; private set; }

    /// <summary>The profile's nickname, as a column the Members API can filter and sort on.</summary>
    public string? Nickname { get; private set; }

    /// <summary>The profile's <c>privacyStatus</c>: only public members are shown to other members and visitors.</summary>
    public MemberPrivacy Privacy { get; private set; }

    /// <summary>When a member session was last opened for the member (a sign-in); null before the first.</summary>
    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>Incremented on every update (Wix <c>revision</c>).</summary>
    public long Revision { get; set; }

    /// <summary>Changes whenever credentials change; tokens minted under an older stamp stop working.</summary>
    public required string SecurityStamp { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The member proved the mailbox: verified, and active unless something else keeps them pending.</summary>
    public void MarkEmailVerified()
    {
        EmailVerified = true;
        PendingReasons &= ~PendingReasons.EmailVerificationRequired;
        if (Status == MemberStatus.Pending && PendingReasons == PendingReasons.None)
        {
            Status = MemberStatus.Active;
        }
    }

    /// <summary>The profile's <c>privacyStatus</c> text: <c>PUBLIC</c> or <c>PRIVATE</c>, any case; anything else is undefined.</summary>
    public static MemberPrivacy ParsePrivacy(string? value) =>
        string.Equals(value, "PUBLIC", StringComparison.OrdinalIgnoreCase) ? MemberPrivacy.Public
        : string.Equals(value, "PRIVATE", StringComparison.OrdinalIgnoreCase) ? MemberPrivacy.Private
        : MemberPrivacy.Undefined;

    private static string? PrivacyName(MemberPrivacy privacy) => privacy switch
    {
        MemberPrivacy.Public => "PUBLIC",
        MemberPrivacy.Private => "PRIVATE",
        _ => null,
    };

    public void Touch(DateTimeOffset now)
    {
        Revision++;
        UpdatedAt = now;
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Observability;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.SignOn;

public sealed record SignOnInput(string? Email, IdentityProfile? Profile, bool VerifyEmail);

public sealed record SignOnOutcome(Member Member, string SessionToken);

/// <summary>
/// Sign On (docs/wire/authentication.md#sign-on, docs/wire/state-machine.md#flows-and-states-in-latchkey): a trusted
/// backend vouches for the member. Creates the member when absent, updates the profile when present, and always answers
/// with a session token (no state machine).
/// </summary>
public sealed class SignOnMember(IMemberStore members, OutcomeIssuer outcomes, AbuseGuard guard, TimeProvider clock)
{
    /// <summary>The guard first (its per-address and per-site rates, docs/abuse-protection.md#the-guard).</summary>
    public async Task<Result<SignOnOutcome>> HandleAsync(GuardedRequest request, SignOnInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        using var activity = LatchkeyMetrics.StartStep("sign_on");
        var result = await SignOnAsync(request.Site, input, cancellationToken);
        LatchkeyMetrics.RecordSignOn(activity.Tag(OutcomeTags.Of(result)));
        return result;
    }

    private async Task<Result<SignOnOutcome>> SignOnAsync(Site site, SignOnInput input, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Parse(input.Email);
        var violations = new List<FieldViolation>(email.Error?.Violations ?? []);
        violations.AddRange(ProfileRules.Check(input.Profile));
        if (email.IsFailure || violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var now = clock.GetUtcNow();
        var member = await members.FindByEmailAsync(site.Id, email.Value.Normalized, cancellationToken);
        if (member is { Status: MemberStatus.Deleted })
        {
            // The email belonged to a deleted account: the trusted caller vouches for a new person, so the record
            // starts over (no password, the given profile, new security stamp) instead of reviving the old one.
            Restart(member, input, now);
            await members.UpdateAsync(member, cancellationToken);
        }
        else if (member is null)
        {
            member = NewMember(site, email.Value, input, now);
            if (!await members.TryAddAsync(member, cancellationToken))
            {
                // Another request created the same member a moment ago: sign on to that one.
                member = await members.FindByEmailAsync(site.Id, email.Value.Normalized, cancellationToken);
                if (member is null)
                {
                    return LatchkeyErrors.EmailAlreadyExists;
                }
            }
        }
        else
        {
            if (member.Status == MemberStatus.Blocked)
            {
                return LatchkeyErrors.MemberBlocked;
            }

            if (member.Status == MemberStatus.Pending && member.PendingReasons.HasFlag(PendingReasons.AdminApprovalRequired))
            {
                return LatchkeyErrors.MemberPendingApproval;
            }

            if (member.PasswordResetRequired)
            {
                return LatchkeyErrors.PasswordResetRequired;
            }

            member.Profile = member.Profile.MergeFrom(input.Profile);
            // Vouching replaces the email check as it does for a member sign-on creates (active, verified only when
            // verifyEmail says so): the owner's approval and an admin-forced reset are not the caller's to skip.
            ClearEmailCheck(member, input.VerifyEmail);

            member.Touch(now);
            await members.UpdateAsync(member, cancellationToken);
        }

        return new SignOnOutcome(member, await outcomes.IssueSessionTokenAsync(member, cancellationToken));
    }

    private static Member NewMember(Site site, EmailAddress email, SignOnInput input, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = site.Id,
        Email = email.Value,
        NormalizedEmail = email.Normalized,
        EmailVerified = input.VerifyEmail,
        // The trusted caller vouches for the member, so sign-on creates an active member.
        Status = MemberStatus.Active,
        Profile = input.Profile ?? IdentityProfile.Empty,
        SecurityStamp = Tokens.SecretGenerator.NewToken(16),
        Revision = 1,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static void Restart(Member member, SignOnInput input, DateTimeOffset now)
    {
        member.Status = MemberStatus.Active;
        member.PendingReasons = PendingReasons.None;
        member.PasswordHash = null;
        member.PasswordResetRequired = false;
        member.EmailVerified = input.VerifyEmail;
        member.Profile = input.Profile ?? IdentityProfile.Empty;
        member.SecurityStamp = Tokens.SecretGenerator.NewToken(16);
        member.Touch(now);
    }

    private static void ClearEmailCheck(Member member, bool verified)
    {
        member.EmailVerified |= verified;
        member.PendingReasons &= ~PendingReasons.EmailVerificationRequired;
        if (member.Status == MemberStatus.Pending && member.PendingReasons == PendingReasons.None)
        {
            member.Status = MemberStatus.Active;
        }
    }
}

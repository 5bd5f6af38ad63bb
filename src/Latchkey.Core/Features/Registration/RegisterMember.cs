using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Observability;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Registration;

public sealed record RegisterInput(string? Email, string? Password, IdentityProfile? Profile);

/// <summary>
/// Register V2 (docs/wire/authentication.md#register-v2): validate, hash, create the member in the status the sign-on
/// policy asks for, then conclude with SUCCESS, REQUIRE_EMAIL_VERIFICATION or REQUIRE_OWNER_APPROVAL.
/// </summary>
public sealed class RegisterMember(
    IMemberStore members, PasswordHasher hasher, PasswordRules passwords, OutcomeIssuer outcomes, DecoyRegistration decoy, AbuseGuard guard,
    TimeProvider clock)
{
    /// <summary>The guard first (rates, CAPTCHA: docs/abuse-protection.md#the-guard), whichever surface registers.</summary>
    public async Task<Result<AuthOutcome>> HandleAsync(GuardedRequest request, RegisterInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        using var activity = LatchkeyMetrics.StartStep("register");
        var result = await RegisterAsync(request.Site, input, cancellationToken);
        LatchkeyMetrics.RecordRegistration(activity.Tag(OutcomeTags.Of(result)));
        return result;
    }

    private async Task<Result<AuthOutcome>> RegisterAsync(Site site, RegisterInput input, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Parse(input.Email);
        var violations = new List<FieldViolation>(email.Error?.Violations ?? []);
        violations.AddRange(passwords.Check(site, input.Password, "password", input.Email, input.Profile?.FirstName, input.Profile?.LastName, input.Profile?.Nickname));
        violations.AddRange(ProfileRules.Check(input.Profile));
        if (email.IsFailure || violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        // A cheap look-up first so that a duplicate does not cost a hash; the unique index decides under a race.
        if (await members.FindByEmailAsync(site.Id, email.Value.Normalized, cancellationToken) is { } owner)
        {
            return DecoyRegistration.Applies(site)
                ? await decoy.HandleAsync(site, owner, email.Value, input, cancellationToken)
                : LatchkeyErrors.EmailAlreadyExists;
        }

        var hash = await hasher.HashAsync(input.Password!, site.HashParameters, cancellationToken);
        if (!hash.IsSuccess)
        {
            return hash.Error;
        }

        var now = clock.GetUtcNow();
        var member = new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Email = email.Value.Value,
            NormalizedEmail = email.Value.Normalized,
            PasswordHash = hash.Value,
            Profile = input.Profile ?? IdentityProfile.Empty,
            SecurityStamp = Tokens.SecretGenerator.NewToken(16),
            Revision = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        ApplySignOnPolicy(site, member);

        if (!await members.TryAddAsync(member, cancellationToken))
        {
            // Another request registered the same email a moment ago: answer as for any taken email.
            return DecoyRegistration.Applies(site) && await members.FindByEmailAsync(site.Id, email.Value.Normalized, cancellationToken) is { } winner
                ? await decoy.HandleAsync(site, winner, email.Value, input, cancellationToken)
                : LatchkeyErrors.EmailAlreadyExists;
        }

        return await outcomes.ConcludeAsync(site, member, FlowKind.Registration, cancellationToken);
    }

    private static void ApplySignOnPolicy(Site site, Member member)
    {
        var reasons = PendingReasons.None;
        if (site.RequireEmailVerification)
        {
            reasons |= PendingReasons.EmailVerificationRequired;
        }

        if (site.RequireOwnerApproval)
        {
            reasons |= PendingReasons.AdminApprovalRequired;
        }

        member.PendingReasons = reasons;
        member.Status = reasons == PendingReasons.None ? MemberStatus.Active : MemberStatus.Pending;
    }
}

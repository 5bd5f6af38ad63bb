using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Registration;

/// <summary>
/// <c>enumerationSafeRegistration</c> (decisions §5; Kratos and Better Auth do the same): register with an email that
/// already has a member answers exactly as a new registration on a verification site would — REQUIRE_EMAIL_VERIFICATION,
/// a state token, a pending identity with a fresh id — after the same password hash. The state token belongs to a
/// decoy flow with no code, so it can only fail; the real owner gets one email saying someone tried.
/// </summary>
public sealed class DecoyRegistration(
    PasswordHasher hasher, IFlowStore flows, TokenHasher tokens, IEmailOutbox outbox, AbuseProtection.QuietQuota quota, TimeProvider clock)
{
    /// <summary>Only where a real registration would also stop at the email code: otherwise the decoy would show.</summary>
    public static bool Applies(Site site) => site.EnumerationSafeRegistration && site.RequireEmailVerification;

    public async Task<Errors.Result<AuthOutcome>> HandleAsync(Site site, Member owner, EmailAddress email, RegisterInput input, CancellationToken cancellationToken)
    {
        // The same cost as a real registration, so timing does not tell either.
        var hash = await hasher.HashAsync(input.Password!, site.HashParameters, cancellationToken);
        if (!hash.IsSuccess)
        {
            return hash.Error!;
        }

        var now = clock.GetUtcNow();
        var stateToken = SecretGenerator.NewToken();
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = owner.Id,
            Kind = FlowKind.DecoyRegistration,
            State = FlowState.Started,
            StateTokenHash = tokens.Hash(stateToken),
            KeyVersion = tokens.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + Flow.Lifetime,
            CodeSentAt = now,
        };
        flow.MoveTo(FlowState.RequireEmailVerification);
        await flows.AddAsync(flow, cancellationToken);
        // A few notices an hour at most: repeated attempts must not flood the owner's inbox.
        if (await quota.TryTakeAsync("signup-notice", site.Id, owner.NormalizedEmail, cancellationToken))
        {
            await outbox.EnqueueAsync(new EmailMessage(site.Id, owner.Email, "Someone tried to sign up with your email", """
            Hello,

            Someone tried to create an account with this email address, which already has one. Nothing was changed.

            If it was you, sign in instead, or reset your password if you have forgotten it. If it was not you, you can ignore this email.
            """), cancellationToken);
        }

        var pending = PendingReasons.EmailVerificationRequired | (site.RequireOwnerApproval ? PendingReasons.AdminApprovalRequired : PendingReasons.None);
        var lookalike = new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Email = email.Value,
            NormalizedEmail = email.Normalized,
            Status = MemberStatus.Pending,
            PendingReasons = pending,
            Profile = input.Profile ?? IdentityProfile.Empty,
            PasswordHash = hash.Value,
            SecurityStamp = "",
            Revision = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return new AuthOutcome(StateType.RequireEmailVerification, lookalike, StateToken: stateToken);
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Registration;

/// <summary>
/// <c>enumerationSafeRegistration</c> (docs/abuse-protection.md#enumeration; Kratos and Better Auth do the same):
/// register with an email that already has a member answers exactly as a new registration on a verification site would
/// — REQUIRE_EMAIL_VERIFICATION, a state token, a pending identity with a fresh id — after the same password hash. The
/// state token belongs to a decoy flow with no code, so it can only fail; the real owner gets one email saying someone
/// tried. The decoy is remembered (issue #21): a login with that email and the password the registration was given
/// answers REQUIRE_EMAIL_VERIFICATION with the same identity, as a login of a real pending registration does, so
/// register-then-login tells nothing either. Codes and resends draw on the address's email allowance alike.
/// </summary>
public sealed class DecoyRegistration(
    PasswordHasher hasher, IFlowStore flows, IRegistrationDecoyStore decoys, TokenHasher tokens, IEmailOutbox outbox, QuietQuota quota,
    EmailCodeAllowance allowance, TimeProvider clock)
{
    /// <summary>Only where a real registration would also stop at the email code: otherwise the decoy would show.</summary>
    public static bool Applies(Site site) => site.EnumerationSafeRegistration && site.RequireEmailVerification;

    public async Task<Errors.Result<AuthOutcome>> HandleAsync(Site site, Member owner, EmailAddress email, RegisterInput input, CancellationToken cancellationToken)
    {
        // The same cost as a real registration, so timing does not tell either.
        var hash = await hasher.HashAsync(input.Password!, site.HashParameters, cancellationToken);
        if (!hash.IsSuccess)
        {
            return hash.Error;
        }

        var id = Guid.CreateVersion7();
        var decoy = new RegistrationDecoy
        {
            Id = id,
            SiteId = site.Id,
            OwnerId = owner.Id,
            Email = email.Value,
            PasswordDigest = Digest(id, input.Password!),
            KeyVersion = tokens.CurrentVersion,
            Profile = input.Profile ?? IdentityProfile.Empty,
            CreatedAt = clock.GetUtcNow(),
        };

        // A real registration's first code draws on the address's allowance: so does the decoy's.
        if (await allowance.TakeAsync(site.Id, owner.NormalizedEmail, cancellationToken) is { } spent)
        {
            return spent;
        }

        await decoys.AddAsync(decoy, cancellationToken);
        var outcome = await StartAsync(site, owner, decoy, cancellationToken);
        // A few notices an hour at most: repeated attempts must not flood the owner's inbox.
        if (await quota.TryTakeAsync("signup-notice", site.Id, owner.NormalizedEmail, cancellationToken))
        {
            await outbox.EnqueueAsync(new EmailMessage(site.Id, owner.Email, "Someone tried to sign up with your email", """
            Hello,

            Someone tried to create an account with this email address, which already has one. Nothing was changed.

            If it was you, sign in instead, or reset your password if you have forgotten it. If it was not you, you can ignore this email.
            """), cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// A login whose password is not the owner's: when it is the password of one of the owner's decoys, answers as a
    /// login of that pending registration would (a new decoy flow, the decoy's identity); otherwise null. A keyed digest
    /// per decoy, no password hash: the login has already paid its one hash, as a real pending member's login does.
    /// </summary>
    public async Task<Errors.Result<AuthOutcome>?> LogInAsync(Site site, Member owner, string password, CancellationToken cancellationToken)
    {
        if (!Applies(site))
        {
            return null;
        }

        foreach (var decoy in await decoys.ListAsync(owner.Id, cancellationToken))
        {
            if (tokens.Matches(DigestInput(decoy.Id, password), decoy.PasswordDigest, decoy.KeyVersion))
            {
                return await allowance.TakeAsync(site.Id, owner.NormalizedEmail, cancellationToken) is { } spent
                    ? spent
                    : await StartAsync(site, owner, decoy, cancellationToken);
            }
        }

        return null;
    }

    private async Task<AuthOutcome> StartAsync(Site site, Member owner, RegistrationDecoy decoy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stateToken = SecretGenerator.NewToken();
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = owner.Id,
            MemberStamp = owner.SecurityStamp,
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
        return new AuthOutcome(StateType.RequireEmailVerification, Lookalike(site, decoy), StateToken: stateToken);
    }

    /// <summary>The identity a new registration with the decoy's email and profile shows: pending, unverified, revision 1.</summary>
    private static Member Lookalike(Site site, RegistrationDecoy decoy) => new()
    {
        Id = decoy.Id,
        SiteId = site.Id,
        Email = decoy.Email,
        NormalizedEmail = EmailAddress.Normalize(decoy.Email),
        Status = MemberStatus.Pending,
        PendingReasons = PendingReasons.EmailVerificationRequired | (site.RequireOwnerApproval ? PendingReasons.AdminApprovalRequired : PendingReasons.None),
        Profile = decoy.Profile,
        PasswordHash = "decoy",
        SecurityStamp = "",
        Revision = 1,
        CreatedAt = decoy.CreatedAt,
        UpdatedAt = decoy.CreatedAt,
    };

    private byte[] Digest(Guid decoyId, string password) => tokens.Hash(DigestInput(decoyId, password));

    private static string DigestInput(Guid decoyId, string password) => $"decoy-password:{decoyId:N}:{PasswordText.Normalize(password)}";
}

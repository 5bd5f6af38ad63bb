using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Observability;
using Latchkey.Core.Sites;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.SocialSignIn;

/// <summary>
/// A social sign-in's result: an outcome as a password login's (signed in, or a step in the way), or an identity that
/// is linked only once the person signs in to the member with its email (<see cref="LinkAfterSignIn"/>).
/// </summary>
public sealed record SocialSignInOutcome(AuthOutcome? Outcome, PendingLink? PendingLink)
{
    public static implicit operator SocialSignInOutcome(AuthOutcome outcome) => new(outcome, null);

    public static implicit operator SocialSignInOutcome(PendingLink link) => new(null, link);
}

/// <summary>
/// The end of a social sign-in (docs/flows/social-sign-in.md): the provider's identity, already mapped by
/// <see cref="ProviderProfiles"/>, goes through the linking rule (<see cref="SocialLinking"/>) to a member, and from there
/// the way a password login goes (<see cref="OutcomeIssuer"/>): a blocked member is refused, a pending one waits, an MFA
/// member is asked for the second factor. Nothing is written before the decision is made.
/// </summary>
public sealed class SignInWithProvider(
    IMemberStore members, ILinkedIdentityStore identities, OutcomeIssuer outcomes, AbuseGuard guard, IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<SocialSignInOutcome>> HandleAsync(GuardedRequest request, IdentityProvider provider, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        using var activity = LatchkeyMetrics.StartStep("social_sign_in");
        var result = await SignInAsync(request.Site, provider, identity, cancellationToken);
        LatchkeyMetrics.RecordSocialSignIn(OutcomeTags.Of(provider.Kind), activity.Tag(
            result.IsFailure ? OutcomeTags.Of(result.Error) : result.Value.Outcome is { } outcome ? OutcomeTags.Of(outcome.State) : OutcomeTags.PendingLink));
        return result;
    }

    private async Task<Result<SocialSignInOutcome>> SignInAsync(Site site, IdentityProvider provider, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        if (identity.Subject.Length > MaxSubject)
        {
            return LatchkeyErrors.IdentityProviderFailed.WithDetail($"The provider's subject is longer than {MaxSubject} characters.");
        }

        var linked = await identities.FindAsync(provider.Id, identity.Subject, cancellationToken);
        var linkedMember = linked is null ? null : await members.FindAsync(site.Id, linked.MemberId, cancellationToken);
        if (linked is not null && linkedMember is null or { Status: MemberStatus.Deleted })
        {
            // The member it named was deleted: the identity is a stranger again.
            await identities.UnlinkAsync(site.Id, linked.MemberId, linked.Id, cancellationToken);
            (linked, linkedMember) = (null, null);
        }

        var email = identity.Email is { } raw ? EmailAddress.Parse(raw, "email") : default(Result<EmailAddress>?);
        if (email is { IsFailure: true })
        {
            return LatchkeyErrors.IdentityProviderFailed.WithDetail("The provider's email is not an address Latchkey can use.");
        }

        var holder = linked is null && email is { Value: { } address } ? await members.FindByEmailAsync(site.Id, address.Normalized, cancellationToken) : null;
        if (holder is { Status: MemberStatus.Deleted })
        {
            holder = null;
        }

        var decision = SocialLinking.Decide(identity, provider.TrustEmail, linkedMember?.Id, holder is null ? null : new SocialLinking.Holder(holder.Id, holder.EmailVerified));
        if (decision.IsFailure)
        {
            return decision.Error;
        }

        var now = clock.GetUtcNow();
        switch (decision.Value)
        {
            case LinkDecision.SignIn:
                await identities.TouchAsync(linked!.Id, identity.Email, now, cancellationToken);
                return Outcome(await ConcludeAsync(site, linkedMember!, cancellationToken));
            case LinkDecision.Link when holder!.Status == MemberStatus.Blocked:
                return LatchkeyErrors.MemberBlocked;
            case LinkDecision.Link:
                var link = Link(provider, identity.Subject, identity.Email, holder!.Id, now);
                if (!await identities.LinkAsync(link, cancellationToken))
                {
                    // Another sign-in linked this upstream account a moment ago: start over rather than guess.
                    return LatchkeyErrors.IdentityProviderFailed.WithDetail("This account was linked by another sign-in at the same time; sign in again.");
                }

                await AuditLinkAsync(audit, link, AuditActors.Latchkey, created: false, cancellationToken);

                return Outcome(await ConcludeAsync(site, holder!, cancellationToken));
            case LinkDecision.Create { EmailProven: true }:
                return Outcome(await CreateAsync(site, provider, identity, email!.Value.Value!, now, cancellationToken));
            default:
                // A member has the email but it is not proven on both sides, or nobody has it and the provider did not
                // prove it: the person signs in to the member with this email (or signs up with it and verifies it),
                // and the identity is linked then (LinkAfterSignIn). Both cases look the same, so the answer does
                // not tell whether the email has an account. Nothing is written now.
                return (SocialSignInOutcome)new PendingLink(site.Id, provider.Id, provider.DisplayName, identity.Subject, email!.Value.Value!.Value, now + PendingLink.Lifetime);
        }
    }

    /// <summary>The longest key a provider's subject may be (the column's width); Microsoft's tid:oid is 73.</summary>
    public const int MaxSubject = 255;

    private async Task<Result<AuthOutcome>> CreateAsync(
        Site site, IdentityProvider provider, ExternalIdentity identity, EmailAddress email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reasons = site.RequireOwnerApproval ? PendingReasons.AdminApprovalRequired : PendingReasons.None;
        var member = new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Email = email.Value,
            NormalizedEmail = email.Normalized,
            // Proven by the provider and trusted by the site: the email check is done.
            EmailVerified = true,
            Status = reasons == PendingReasons.None ? MemberStatus.Active : MemberStatus.Pending,
            PendingReasons = reasons,
            Profile = IdentityProfile.Empty with { FirstName = identity.FirstName, LastName = identity.LastName, Nickname = identity.Nickname },
            SecurityStamp = Tokens.SecretGenerator.NewToken(16),
            Revision = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var link = Link(provider, identity.Subject, identity.Email, member.Id, now);
        if (!await members.TryAddAsync(member, cancellationToken) || !await identities.LinkAsync(link, cancellationToken))
        {
            // A registration of the same email, or a sign-in with the same account, won the race: start over.
            return LatchkeyErrors.IdentityProviderFailed.WithDetail("Another sign-up with this email or account happened at the same time; sign in again.");
        }

        await AuditLinkAsync(audit, link, AuditActors.Latchkey, created: true, cancellationToken);

        return await outcomes.ConcludeAsync(site, member, FlowKind.Registration, cancellationToken);
    }

    /// <summary>As a password login would go on from here; a blocked member is told so only after the provider proved who they are.</summary>
    private async Task<Result<AuthOutcome>> ConcludeAsync(Site site, Member member, CancellationToken cancellationToken) =>
        member.Status == MemberStatus.Blocked ? LatchkeyErrors.MemberBlocked : await outcomes.ConcludeAsync(site, member, FlowKind.Login, cancellationToken);

    private static Result<SocialSignInOutcome> Outcome(Result<AuthOutcome> outcome) =>
        outcome.IsSuccess ? (SocialSignInOutcome)outcome.Value : outcome.Error;

    /// <summary>
    /// Every link is in the site's audit log: made by Latchkey itself (actor <c>latchkey</c>), or after the member signed
    /// in (actor <c>member</c>). The registration and the identity, never the provider's claims.
    /// </summary>
    internal static Task AuditLinkAsync(IAuditLog audit, LinkedIdentity link, string actor, bool created, CancellationToken cancellationToken) => audit.AddAsync(new AuditEvent
    {
        SiteId = link.SiteId,
        OccurredAt = link.LinkedAt,
        Actor = actor,
        Action = AuditActions.MemberIdentityLinked,
        TargetType = "member",
        TargetId = link.MemberId.ToString(),
        Details = System.Text.Json.JsonSerializer.Serialize(new { identity = link.Id, provider = link.ProviderId, memberCreated = created }),
    }, cancellationToken);

    internal static LinkedIdentity Link(IdentityProvider provider, string subject, string? email, Guid memberId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = provider.SiteId,
        ProviderId = provider.Id,
        Subject = subject,
        MemberId = memberId,
        Email = email,
        LinkedAt = now,
        LastSignInAt = now,
    };
}

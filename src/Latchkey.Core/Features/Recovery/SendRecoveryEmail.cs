using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Recovery;

/// <summary>What a recovery email is for: a forgotten password, or activating an account an admin created.</summary>
public enum RecoveryPurpose
{
    ResetPassword = 1,
    Activate = 2,
}

/// <summary>
/// Send Recovery Email (docs/wire/recovery.md#send-recovery-email,
/// docs/wire/state-machine.md#flows-and-states-in-latchkey): when the email belongs to a member, a recovery flow starts
/// and a link to Latchkey's reset page is emailed; either way the caller learns nothing (the endpoint always answers
/// 200). The link's token is the flow's state token: 256 bits, stored as a digest, 60 minutes, single use.
/// </summary>
public sealed class SendRecoveryEmail(
    IMemberStore members, IFlowStore flows, IClientStore clients, IEmailOutbox outbox, TokenHasher hasher, QuietQuota quota, AbuseGuard guard,
    TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);

    /// <summary>
    /// The API's request: the guard, then the caller's redirect, then the email. Throttled per IP and site, never per
    /// account (<paramref name="request"/> names none): a 429 for one email and not another would tell them apart.
    /// Success says nothing about the email.
    /// </summary>
    public async Task<Result<bool>> HandleAsync(
        GuardedRequest request, string? email, RecoveryRedirect? redirect, string resetPageUrl, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        var returnTo = await RecoveryRedirect.CheckAsync(redirect, clients, request.Site.Id, cancellationToken);
        if (returnTo.IsFailure)
        {
            return returnTo.Error;
        }

        await SendAsync(request.Site, email, resetPageUrl, returnTo.Value, cancellationToken);
        return true;
    }

    /// <summary>
    /// A hosted page's request: the guard, then the email; the link's flow returns to <paramref name="returnTo"/>, a page
    /// of this server (never a caller's URL, so nothing to check).
    /// </summary>
    public async Task<Result<bool>> HandleAsync(
        GuardedRequest request, string? email, string resetPageUrl, string returnTo, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        await SendAsync(request.Site, email, resetPageUrl, returnTo, cancellationToken);
        return true;
    }

    /// <summary>
    /// Send Activation Email (docs/wire/recovery.md#send-activation-email, trusted callers): a set-password link to a
    /// member of the site, named by id, so unlike the recovery email it may say that the member does not exist.
    /// </summary>
    public async Task<Result<bool>> ActivateAsync(
        Site site, string? identityId, RecoveryRedirect? redirect, string resetPageUrl, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(identityId, out var memberId) || await members.FindAsync(site.Id, memberId, cancellationToken) is not { } member)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        var returnTo = await RecoveryRedirect.CheckAsync(redirect, clients, site.Id, cancellationToken);
        if (returnTo.IsFailure)
        {
            return returnTo.Error;
        }

        await StartAsync(member, resetPageUrl, returnTo.Value, RecoveryPurpose.Activate, cancellationToken);
        return true;
    }

    private async Task SendAsync(Site site, string? email, string resetPageUrl, string? returnTo, CancellationToken cancellationToken)
    {
        // The quota is taken for every email, known or not (the same write either way), and beyond it nothing is sent.
        if (!EmailAddress.Parse(email).IsSuccess ||
            !await quota.TryTakeAsync("recovery", site.Id, EmailAddress.Normalize(email!), cancellationToken) ||
            await members.FindByEmailAsync(site.Id, EmailAddress.Normalize(email!), cancellationToken) is not { Status: not MemberStatus.Deleted } member)
        {
            return;
        }

        await StartAsync(member, resetPageUrl, returnTo, RecoveryPurpose.ResetPassword, cancellationToken);
    }

    /// <summary>Starts a recovery flow for a known member (a reset, or an activation).</summary>
    private async Task StartAsync(Member member, string resetPageUrl, string? returnTo, RecoveryPurpose purpose, CancellationToken cancellationToken)
    {
        var token = SecretGenerator.NewToken();
        var now = clock.GetUtcNow();
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = member.SiteId,
            MemberId = member.Id,
            MemberStamp = member.SecurityStamp,
            Kind = FlowKind.Recovery,
            State = FlowState.Started,
            StateTokenHash = hasher.Hash(token),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
            ReturnTo = returnTo,
        };
        flow.MoveTo(FlowState.RequireNewPassword);
        await flows.AddAsync(flow, cancellationToken);

        // The flow id is no secret: once the token is used or expired, it still tells the page whose site it is and
        // where to ask for a new link.
        var link = $"{resetPageUrl}?token={Uri.EscapeDataString(token)}&flow={flow.Id:N}";
        var (subject, intro) = purpose == RecoveryPurpose.Activate
            ? ("Activate your account", "An account was created for you. Choose a password to activate it:")
            : ("Reset your password", "Someone asked to reset the password of this account. If it was you, choose a new password here:");
        await outbox.EnqueueAsync(new EmailMessage(member.SiteId, member.Email, subject, $"""
            Hello,

            {intro}

            {link}

            The link works once and expires in {(int)Lifetime.TotalMinutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.
            """), cancellationToken);
    }
}

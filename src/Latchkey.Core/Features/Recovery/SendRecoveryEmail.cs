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
    IMemberStore members, IFlowStore flows, IEmailOutbox outbox, TokenHasher hasher, AbuseProtection.QuietQuota quota, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);

    public async Task HandleAsync(Site site, string? email, string resetPageUrl, string? returnTo, CancellationToken cancellationToken)
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

    /// <summary>Starts a recovery flow for a known member (also used by Send Activation Email).</summary>
    public async Task StartAsync(Member member, string resetPageUrl, string? returnTo, RecoveryPurpose purpose, CancellationToken cancellationToken)
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

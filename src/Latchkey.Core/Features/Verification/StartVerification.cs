using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Verification;

/// <summary>Who asks: a trusted caller may start a verification for any member of the site; a member for itself only.</summary>
public sealed record StartVerificationInput(string? IdentityId, string? Target, Guid? CallerMemberId, bool Trusted);

/// <summary>
/// Verification API Start (docs/wire/verification.md#start): emails a 6-digit code to the member and answers a
/// <c>verificationId</c>. <c>/v1/verify {verificationId, code}</c> completes it and marks the email verified. It never
/// signs anyone in. Starts for one member are at least 30 seconds apart, so the endpoint cannot flood a mailbox.
/// </summary>
public sealed class StartVerification(
    IFlowStore flows, IMemberStore members, VerificationCodes codes, AbuseGuard guard, TokenHasher hasher, TimeProvider clock)
{
    /// <summary>
    /// Start emails a code: the guard's rates apply as at resend (issue #21, docs/abuse-protection.md#the-guard), and
    /// the address's hourly allowance too.
    /// </summary>
    public async Task<Result<string>> HandleAsync(GuardedRequest request, StartVerificationInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        return pass.IsFailure ? pass.Error : await StartAsync(request.Site.Id, input, cancellationToken);
    }

    private async Task<Result<string>> StartAsync(Guid siteId, StartVerificationInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (!Guid.TryParse(input.IdentityId, out var memberId))
        {
            violations.Add(new FieldViolation("identityId", "identityId is the member's id (a GUID).", "FORMAT", "GUID"));
        }

        if (input.Target is not (null or "EMAIL"))
        {
            violations.Add(new FieldViolation("target", "target is EMAIL.", "ENUM", "STRING"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        if (!input.Trusted && input.CallerMemberId != memberId)
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("A member may start a verification of its own email only; other callers need an API key.");
        }

        if (await members.FindAsync(siteId, memberId, cancellationToken) is not { Status: not MemberStatus.Deleted } member)
        {
            return LatchkeyErrors.MemberIdNotFound;
        }

        if (member.Status == MemberStatus.Blocked)
        {
            return LatchkeyErrors.MemberBlocked;
        }

        var now = clock.GetUtcNow();
        if (await flows.FindLatestAsync(memberId, FlowKind.Verification, cancellationToken) is { } latest &&
            latest.CreatedAt + Flow.ResendCooldown > now)
        {
            return LatchkeyErrors.ResendTooSoon with { RetryAfterSeconds = (int)Math.Ceiling((latest.CreatedAt + Flow.ResendCooldown - now).TotalSeconds) };
        }

        var verificationId = SecretGenerator.NewToken();
        var flow = new Flow
        {
            Id = Guid.CreateVersion7(),
            SiteId = siteId,
            MemberId = memberId,
            MemberStamp = member.SecurityStamp,
            Kind = FlowKind.Verification,
            State = FlowState.Started,
            StateTokenHash = hasher.Hash(verificationId),
            KeyVersion = hasher.CurrentVersion,
            CreatedAt = now,
            ExpiresAt = now + Flow.Lifetime,
        };
        flow.MoveTo(FlowState.RequireEmailVerification);
        if (await codes.IssueAsync(flow, member, cancellationToken) is { } spent)
        {
            return spent;
        }

        await flows.AddAsync(flow, cancellationToken);
        return verificationId;
    }
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Verification;

/// <summary>
/// Six-digit email codes (docs/tokens.md#the-tokens): uniformly random, stored only as a digest bound to the flow (a
/// code from one flow never matches another), 15 minutes, and emailed through the outbox. The code is in the body only,
/// which is sealed at rest and cleared once sent; the subject (kept in clear) never holds it (issue #21). Every code
/// draws on the address's hourly allowance (<see cref="EmailCodeAllowance"/>).
/// </summary>
public sealed class VerificationCodes(TokenHasher hasher, IEmailOutbox outbox, EmailCodeAllowance allowance, TimeProvider clock)
{
    /// <summary>Puts a fresh code on the flow (replacing any earlier one) and queues the email; the error when the address's allowance is spent.</summary>
    public async Task<LatchkeyError?> IssueAsync(Flow flow, Member member, CancellationToken cancellationToken)
    {
        if (await allowance.TakeAsync(member.SiteId, member.NormalizedEmail, cancellationToken) is { } spent)
        {
            return spent;
        }

        var code = SecretGenerator.NewNumericCode(6);
        var now = clock.GetUtcNow();
        flow.CodeHash = hasher.Hash(Bind(flow, code));
        flow.CodeExpiresAt = now + Flow.CodeLifetime;
        flow.CodeSentAt = now;
        await outbox.EnqueueAsync(new EmailMessage(member.SiteId, member.Email, "Your verification code", $"""
            Hello,

            Your verification code is {code}

            It expires in {(int)Flow.CodeLifetime.TotalMinutes} minutes. If you did not try to sign up or sign in, you can ignore this email.
            """), cancellationToken);
        return null;
    }

    /// <summary>Fixed-time check of a presented code against the flow's digest.</summary>
    public bool Matches(Flow flow, string code) =>
        flow.CodeHash is { } stored && flow.CodeExpiresAt > clock.GetUtcNow() &&
        hasher.Matches(Bind(flow, code), stored, flow.KeyVersion);

    private static string Bind(Flow flow, string code) => $"{flow.Id:N}:{code}";
}

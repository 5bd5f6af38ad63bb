using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.EmailVerification;

/// <summary>
/// Six-digit email codes (decisions §3): uniformly random, stored only as a digest bound to the flow (a code from one
/// flow never matches another), 15 minutes, and emailed through the outbox.
/// </summary>
public sealed class VerificationCodes(TokenHasher hasher, IEmailOutbox outbox, TimeProvider clock)
{
    /// <summary>Puts a fresh code on the flow (replacing any earlier one) and queues the email.</summary>
    public async Task IssueAsync(Flow flow, Member member, CancellationToken cancellationToken)
    {
        var code = SecretGenerator.NewNumericCode(6);
        var now = clock.GetUtcNow();
        flow.CodeHash = hasher.Hash(Bind(flow, code));
        flow.CodeExpiresAt = now + Flow.CodeLifetime;
        flow.CodeSentAt = now;
        await outbox.EnqueueAsync(new EmailMessage(member.SiteId, member.Email, $"Your verification code: {code}", $"""
            Hello,

            Your verification code is {code}

            It expires in {(int)Flow.CodeLifetime.TotalMinutes} minutes. If you did not try to sign up or sign in, you can ignore this email.
            """), cancellationToken);
    }

    /// <summary>Fixed-time check of a presented code against the flow's digest.</summary>
    public bool Matches(Flow flow, string code) =>
        flow.CodeHash is { } stored && flow.CodeExpiresAt > clock.GetUtcNow() &&
        hasher.Matches(Bind(flow, code), stored, flow.KeyVersion);

    private static string Bind(Flow flow, string code) => $"{flow.Id:N}:{code}";
}

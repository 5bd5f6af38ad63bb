using System.Globalization;
using System.Text.Json;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.AbuseProtection;
/// <summary>A guess the store let through: the pauses the member's count has had so far (for the next pause's length).</summary>
public sealed record GuessTicket(int Pauses);
/// <summary>
/// Wrong codes count per member across flows (issue #21): TOTP and recovery codes under one count, email codes under
/// another. A guess is taken before its code is checked; after <see cref="MaxWrongCodes"/> wrong ones the member's
/// codes of that kind pause (15 minutes, doubling with each pause up to a day), the member is emailed and the event
/// audited. A right code starts the count again; a right password never does.
/// </summary>
public sealed class CodeGuessLimit(IGuessStore store, TokenHasher hasher, IEmailOutbox outbox, IAuditLog audit, TimeProvider clock)
{
    /// <summary>Wrong codes judged before a pause.</summary>
    public const int MaxWrongCodes = 10;

    public static readonly TimeSpan FirstPause = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LongestPause = TimeSpan.FromDays(1);

    /// <summary>The pause after <paramref name="pauses"/> earlier ones: 15 minutes, then twice the last, at most a day.</summary>
    public static TimeSpan PauseAfter(int pauses) =>
        TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Clamp(pauses, 0, 10)));

    /// <summary>
    /// The error when the member's codes of this kind are paused now, read without counting: a step checks it before
    /// it spends one of its flow's attempts, so that a pause does not also use up the member's open flows.
    /// </summary>
    public async Task<LatchkeyError?> PausedAsync(Member member, GuessedCode code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await store.PausedUntilAsync(Key(member, code), now, cancellationToken) is { } until ? Paused(code, until - now) : null;
    }

    /// <summary>Takes a guess for the member; the error when the member's codes of this kind are paused.</summary>
    public async Task<Result<GuessTicket>> TakeAsync(Member member, GuessedCode code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = Key(member, code);
        if (await store.TryTakeAsync(key, MaxWrongCodes, now, cancellationToken) is { } ticket)
        {
            return ticket;
        }

        // Paused, or the last guesses are still being judged (a concurrent request is about to pause the key).
        var until = await store.PausedUntilAsync(key, now, cancellationToken) ?? now + FirstPause;
        return Paused(code, until - now);
    }

    private static LatchkeyError Paused(GuessedCode code, TimeSpan wait) =>
        (code == GuessedCode.SecondFactor ? LatchkeyErrors.MfaAttemptsThrottled : LatchkeyErrors.VerificationAttemptsThrottled)
        with
        { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) };

    /// <summary>A right code: the member's count of this kind starts again.</summary>
    public Task RightAsync(Member member, GuessedCode code, CancellationToken cancellationToken) =>
        store.ResetAsync(Key(member, code), cancellationToken);

    /// <summary>A wrong code: when it was the last one allowed, pauses the member's codes, emails the member and audits it.</summary>
    public async Task WrongAsync(Member member, GuessedCode code, GuessTicket ticket, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + PauseAfter(ticket.Pauses);
        if (!await store.TryPauseAsync(Key(member, code), MaxWrongCodes, until, now, cancellationToken))
        {
            return;
        }

        var (action, subject, what, advice) = code == GuessedCode.SecondFactor
            ? (AuditActions.MemberMfaPaused, "Two-step verification paused", "two-step verification codes",
               "Whoever entered them knew your password. If it was not you, change your password now.")
            : (AuditActions.MemberEmailCodesPaused, "Email codes paused", "email codes",
               "If it was not you, nothing has changed; if you did not sign up or sign in, consider changing your password.");
        var when = until.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        await outbox.EnqueueAsync(new EmailMessage(member.SiteId, member.Email, subject, $"""
            Hello,

            {MaxWrongCodes} wrong {what} were entered for your account. Entering them is paused until {when}.

            {advice}
            """), cancellationToken);
        await audit.AddAsync(new AuditEvent
        {
            SiteId = member.SiteId,
            OccurredAt = now,
            Actor = AuditActors.Latchkey,
            Action = action,
            TargetType = "member",
            TargetId = member.Id.ToString(),
            Details = JsonSerializer.Serialize(new { wrongCodes = MaxWrongCodes, pausedUntil = until, pause = ticket.Pauses + 1 }),
        }, cancellationToken);
    }

    private string Key(Member member, GuessedCode code) => FixedWindow.Key(hasher, $"guess|{code}|{member.SiteId}|{member.Id}");
}

using System.Globalization;
using System.Text.Json;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.AbuseProtection;

/// <summary>Which of a member's codes a guess is counted under.</summary>
public enum GuessedCode
{
    /// <summary>TOTP and MFA recovery codes, at login and on the member's own <c>/mfa/v1/*</c> endpoints.</summary>
    SecondFactor = 1,

    /// <summary>Emailed six-digit codes, in every flow that sends one (registration, login, Start verification).</summary>
    EmailCode = 2,
}

/// <summary>A guess the store let through: the pauses the member's count has had so far (for the next pause's length).</summary>
public sealed record GuessTicket(int Pauses);

/// <summary>
/// Per-member counters of wrong codes, shared by every node (issue #21). Each write is one conditional statement, so
/// concurrent guesses on any node never share or lose a count.
/// </summary>
public interface IGuessStore
{
    /// <summary>
    /// Counts one guess before the code is looked at, in one conditional write: a ticket when the key is not paused and
    /// has fewer than <paramref name="max"/> outstanding wrong guesses, otherwise null.
    /// </summary>
    Task<GuessTicket?> TryTakeAsync(string key, int max, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the key is paused, until when (null when it is not paused at <paramref name="now"/>).</summary>
    Task<DateTimeOffset?> PausedUntilAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Pauses the key until <paramref name="until"/> if its wrong guesses reached <paramref name="max"/>, and starts a
    /// new count; true for the one caller that paused it, also under a race.
    /// </summary>
    Task<bool> TryPauseAsync(string key, int max, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets the key: the member entered a right code.</summary>
    Task ResetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the keys not touched since <paramref name="before"/> and not paused at <paramref name="now"/>; answers how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken);
}

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

/// <summary>
/// Emailed codes per address (issue #21): the first code and four more in each clock hour (a fixed window, as every
/// throttle counter), whichever flow sends them, then a clear 429 with <c>Retry-After</c>. Decoy registrations draw on the same allowance, so it tells nothing about accounts.
/// </summary>
public sealed class EmailCodeAllowance(IThrottleStore counters, TokenHasher hasher, TimeProvider clock)
{
    public const int CodesPerHour = 5;

    /// <summary>Takes one code for the address; the error when the hour's allowance is spent.</summary>
    public async Task<LatchkeyError?> TakeAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (start, end) = FixedWindow.Of(now, TimeSpan.FromHours(1));
        var count = await counters.HitAsync(FixedWindow.Key(hasher, $"email-codes|{siteId}|{normalizedEmail}"), start, end, cancellationToken);
        return count <= CodesPerHour
            ? null
            : LatchkeyErrors.EmailCodeLimitReached with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((end - now).TotalSeconds)) };
    }
}

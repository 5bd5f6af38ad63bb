using Latchkey.Core.Crypto;
using Latchkey.Core.Messaging;
using Latchkey.Core.Observability;
using Latchkey.Core.Storage;
using Latchkey.Server.Observability;
using MimeKit;

namespace Latchkey.Server.Email;

/// <summary>
/// Sends the outbox: wakes when a message is queued on this node and polls every second (of the injected clock) for
/// the rest, claims due
/// messages (one node per message), and on failure schedules a retry with backoff and logs it. A flow never waits
/// for the mail server, and a message is never dropped while attempts remain.
/// </summary>
public sealed partial class EmailDispatcher(
    IServiceScopeFactory scopes, EmailRouter router, SmtpTransport smtp, EmlFileTransport files, Sealer sealer, OutboxSignal signal,
    TimeProvider clock, ILogger<EmailDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Slower while the database is down: every failed poll costs a connection attempt and the driver's log.</summary>
    private static readonly TimeSpan OutagePollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Sends what is due now; returns how many were sent. The loop and the tests call it.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
        var settings = scope.ServiceProvider.GetRequiredService<ISiteEmailSettingsStore>();
        var routes = new Dictionary<Guid, EmailRoute>();
        var sent = 0;
        foreach (var email in await store.ClaimDueAsync(clock.GetUtcNow(), Lease, 20, cancellationToken))
        {
            var transport = "unrouted";
            try
            {
                if (!routes.TryGetValue(email.SiteId, out var route))
                {
                    route = routes[email.SiteId] = await router.RouteAsync(settings, email.SiteId, cancellationToken);
                }

                var message = Compose(email, route.From);
                transport = route.Smtp is null ? "file" : "smtp";
                await (route.Smtp is { } target ? smtp.DeliverAsync(message, target, cancellationToken) : files.DeliverAsync(message, cancellationToken));
                await store.MarkSentAsync(email.Id, clock.GetUtcNow(), cancellationToken);
                LatchkeyMetrics.RecordEmail("sent", transport);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var attempts = email.Attempts + 1;
                await store.MarkFailedAsync(email.Id, attempts, clock.GetUtcNow() + OutboxEmail.Backoff(attempts), e.Message, cancellationToken);
                LogFailed(logger, e, email.Id, attempts, OutboxEmail.MaxAttempts);
                LatchkeyMetrics.RecordEmail(attempts < OutboxEmail.MaxAttempts ? "retrying" : "abandoned", transport);
            }
        }

        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var outage = new OutageLog(logger, "email dispatcher");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
                outage.Succeeded();
                await signal.WaitAsync(PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep the loop alive and try again shortly; an outage is logged once, anything else every time.
                if (!outage.Failed(e))
                {
                    LogLoopFailed(logger, e);
                }

                await Task.Delay(outage.IsDown ? OutagePollInterval : PollInterval, clock, stoppingToken);
            }
        }
    }

    private MimeMessage Compose(OutboxEmail email, string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        message.MessageId = $"{email.Id:N}@latchkey";
        message.Body = new TextPart("plain") { Text = sealer.Open(email.SealedText!) };
        return message;
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Sending email {Id} failed (attempt {Attempt} of {Max}); it will be retried.")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid id, int attempt, int max);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "The email dispatcher loop failed; retrying.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}

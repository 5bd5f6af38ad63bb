using Latchkey.Core.Crypto;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Messaging;

/// <summary>The outbox port over the outbox table: seals the body and schedules the first attempt now.</summary>
public sealed class SealedOutbox(IOutboxStore store, Sealer sealer, TimeProvider clock, OutboxSignal signal) : IEmailOutbox
{
    public async Task EnqueueAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await store.AddAsync(new OutboxEmail
        {
            Id = Guid.CreateVersion7(),
            SiteId = message.SiteId,
            To = message.To,
            Subject = message.Subject,
            SealedText = sealer.Seal(message.Text),
            CreatedAt = now,
            NextAttemptAt = now,
        }, cancellationToken);
        signal.Notify();
    }
}

namespace Latchkey.Core.Messaging;

/// <summary>
/// Where flows put email. Messages are stored with the flow's own writes and sent afterwards by a dispatcher, so a
/// slow or failing mail server never fails or slows the request, and a message is never lost: it is retried until
/// sent (docs/tokens.md#the-tokens, issue #5).
/// </summary>
public interface IEmailOutbox
{
    Task EnqueueAsync(EmailMessage message, CancellationToken cancellationToken);
}

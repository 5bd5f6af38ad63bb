namespace Latchkey.Core.Messaging;

/// <summary>Wakes the dispatcher when a message is queued on this node (others are found by polling).</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>
    /// Waits for a notification or for <paramref name="timeout"/> on <paramref name="clock"/>, whichever comes first; true
    /// when notified. The timeout runs on the injected clock, so a test's fake clock, not the wall clock, drives the poll.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = _signal.WaitAsync(either.Token);
        var elapsed = Task.Delay(timeout, clock, either.Token);
        var first = await Task.WhenAny(notified, elapsed);
        await either.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        // A notification that raced the timeout may have been taken anyway: the caller polls either way, so none is lost.
        return first == notified && notified.IsCompletedSuccessfully;
    }

    public void Dispose() => _signal.Dispose();
}

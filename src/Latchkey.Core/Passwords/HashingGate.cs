using Microsoft.Extensions.Options;

namespace Latchkey.Core.Passwords;

/// <summary>
/// Bounds memory and CPU spent on Argon2id: at most <see cref="HashingOptions.MaxConcurrency"/> hashes run, at most
/// <see cref="HashingOptions.QueueLimit"/> wait, and nobody waits longer than <see cref="HashingOptions.MaxWait"/>.
/// A login storm therefore costs bounded memory (concurrency × m) and the excess is told to come back later.
/// </summary>
public sealed class HashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly HashingOptions _options;
    private int _waiting;

    public HashingGate(IOptions<HashingOptions> options)
    {
        _options = options.Value;
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrency));
    }

    public int RetryAfterSeconds => _options.RetryAfterSeconds;

    /// <summary>Returns a lease to dispose after hashing, or null when the caller should be turned away.</summary>
    public async ValueTask<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return new Lease(_slots);
        }

        if (Interlocked.Increment(ref _waiting) > _options.QueueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }

        try
        {
            return await _slots.WaitAsync(_options.MaxWait, cancellationToken) ? new Lease(_slots) : null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

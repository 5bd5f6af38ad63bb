using System.Diagnostics;
using Latchkey.Core.Observability;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Passwords;

/// <summary>
/// Bounds memory and CPU spent on Argon2id: at most <see cref="HashingOptions.MaxConcurrency"/> hashes run, at most
/// <see cref="HashingOptions.QueueLimit"/> wait, and nobody waits longer than <see cref="HashingOptions.MaxWait"/>.
/// A login storm therefore costs bounded memory (concurrency × m) and the excess is told to come back later.
/// Every pass is measured (docs/observability.md): the wait, the queue depth, the hashes running and how long a
/// lease is held, which is the hash itself.
/// </summary>
public sealed class HashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly HashingOptions _options;
    private readonly KeyValuePair<string, object?> _kind;
    private int _waiting;

    public HashingGate(IOptions<HashingOptions> options)
        : this(options.Value, "argon2id")
    {
    }

    /// <summary>A gate of its own for one kind of hash (<c>argon2id</c>, or <c>imported</c> for hashes brought in by an import).</summary>
    public HashingGate(HashingOptions options, string kind)
    {
        _options = options;
        _kind = new KeyValuePair<string, object?>("kind", kind);
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrency));
    }

    public int RetryAfterSeconds => _options.RetryAfterSeconds;

    /// <summary>Returns a lease to dispose after hashing, or null when the caller should be turned away.</summary>
    public async ValueTask<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        var activity = LatchkeyMetrics.Source.StartActivity("latchkey.password_hashing");
        var started = Stopwatch.GetTimestamp();
        if (_slots.Wait(0, CancellationToken.None))
        {
            return Admitted(activity, started);
        }

        if (Interlocked.Increment(ref _waiting) > _options.QueueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            return Refused(activity, started, "queue_full");
        }

        LatchkeyMetrics.HashQueueChanged(1);
        try
        {
            return await _slots.WaitAsync(_options.MaxWait, cancellationToken)
                ? Admitted(activity, started)
                : Refused(activity, started, "timed_out");
        }
        catch (OperationCanceledException)
        {
            Refused(activity, started, "canceled");
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            LatchkeyMetrics.HashQueueChanged(-1);
        }
    }

    /// <summary>A lease only if a slot is free right now, never waiting: for work that is worth doing only when it costs no one a wait.</summary>
    public IDisposable? TryEnterNow() =>
        _slots.Wait(0, CancellationToken.None) ? new Lease(_slots, LatchkeyMetrics.Source.StartActivity("latchkey.password_hashing"), _kind) : null;

    public void Dispose() => _slots.Dispose();

    private Lease Admitted(Activity? activity, long started)
    {
        LatchkeyMetrics.HashWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Outcome("acquired"));
        return new Lease(_slots, activity, _kind);
    }

    private static Lease? Refused(Activity? activity, long started, string outcome)
    {
        LatchkeyMetrics.HashWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Outcome(outcome));
        activity.Tag(outcome);
        activity?.Dispose();
        return null;
    }

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);

    /// <summary>Held while one hash runs: counts it as active and measures it, and ends the hashing span.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly SemaphoreSlim _slots;
        private readonly Activity? _activity;
        private readonly KeyValuePair<string, object?> _kind;
        private readonly long _acquired = Stopwatch.GetTimestamp();
        private int _released;

        public Lease(SemaphoreSlim slots, Activity? activity, KeyValuePair<string, object?> kind)
        {
            _slots = slots;
            _activity = activity;
            _kind = kind;
            LatchkeyMetrics.HashActiveChanged(1);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                LatchkeyMetrics.HashDuration.Record(Stopwatch.GetElapsedTime(_acquired).TotalSeconds, _kind);
                LatchkeyMetrics.HashActiveChanged(-1);
                _slots.Release();
                _activity.Tag("acquired");
                _activity?.Dispose();
            }
        }
    }
}

using Latchkey.Core.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

public class HashingGateTests
{
    private static HashingGate Gate(int concurrency, int queue, TimeSpan? wait = null) =>
        new(Options.Create(new HashingOptions { MaxConcurrency = concurrency, QueueLimit = queue, MaxWait = wait ?? TimeSpan.FromSeconds(5) }));

    [Fact]
    public async Task Waiters_get_a_slot_when_one_is_released()
    {
        using var gate = Gate(1, 1);
        var first = await gate.TryEnterAsync(CancellationToken.None);
        var waiting = gate.TryEnterAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        first!.Dispose();

        Assert.NotNull(await waiting);
    }

    [Fact]
    public async Task Beyond_the_queue_limit_callers_are_refused_at_once()
    {
        using var gate = Gate(1, 1);
        using var first = await gate.TryEnterAsync(CancellationToken.None);
        var queued = gate.TryEnterAsync(CancellationToken.None).AsTask();

        var refused = await gate.TryEnterAsync(CancellationToken.None);

        Assert.Null(refused);
        Assert.False(queued.IsCompleted);
        first!.Dispose();
        (await queued)!.Dispose();
    }

    [Fact]
    public async Task A_waiter_gives_up_after_the_maximum_wait()
    {
        using var gate = Gate(1, 4, TimeSpan.FromMilliseconds(50));
        using var first = await gate.TryEnterAsync(CancellationToken.None);

        Assert.Null(await gate.TryEnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_a_lease_twice_releases_one_slot()
    {
        using var gate = Gate(1, 0);
        var lease = await gate.TryEnterAsync(CancellationToken.None);
        lease!.Dispose();
        lease.Dispose();

        using var a = await gate.TryEnterAsync(CancellationToken.None);
        Assert.NotNull(a);
        Assert.Null(await gate.TryEnterAsync(CancellationToken.None));
    }
}

namespace Latchkey.Server.Hosting;

/// <summary>
/// Start-up (configuration, migrations, the key ring, the first site) leaves about 15 MB of garbage that an idle
/// node would otherwise hold until load arrives. One aggressive collection once the server listens gives those
/// pages back to the OS (docs/decisions/0018-start-up-cost.md): a pause of a few milliseconds, once per process.
/// </summary>
public static class StartupMemory
{
    private static int _released;

    /// <summary>Once per process: the tests start many servers in one process and need not pay for each.</summary>
    public static void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}

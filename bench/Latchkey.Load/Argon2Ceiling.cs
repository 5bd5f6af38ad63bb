using System.Diagnostics;
using Latchkey.Core.Passwords;

namespace Latchkey.Load;

/// <summary>The raw Argon2id ceiling: as many threads as cores, the default parameters, no HTTP, no database.</summary>
public static class Argon2Ceiling
{
    public static int Run(TimeSpan duration)
    {
        var parameters = HashParameters.Default;
        var bytes = PasswordText.ToBytes("correct horse battery");
        var total = 0L;
        var stopwatch = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            Span<char> hash = stackalloc char[Geralt.Argon2id.HashSize];
            var count = 0L;
            while (stopwatch.Elapsed < duration)
            {
                Geralt.Argon2id.ComputeHash(hash, bytes, parameters.Iterations, parameters.MemoryKiB * 1024);
                count++;
            }

            Interlocked.Add(ref total, count);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"argon2\t{total / stopwatch.Elapsed.TotalSeconds:F1}\t{Environment.ProcessorCount}");
        return 0;
    }
}

using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>
/// Every test host writes its log to one file per test process under <c>artifacts/test-results/logs</c>, and
/// <c>scripts/scan-logs.py</c> (run by <c>scripts/test.sh</c>) fails the run when a secret shows up there
/// (docs/observability.md). Latchkey's own categories log from Debug; the libraries at the levels production runs
/// them (appsettings.json: Warning), since below that OpenIddict and ASP.NET Core log request URLs, which carry
/// session tokens on <c>/oauth2/authorize</c>, and PKCE verifiers by design.
/// </summary>
public sealed class TestLogFiles : ILoggerProvider
{
    private static readonly Lazy<StreamWriter> Writer = new(Open);
    private static readonly Lock Gate = new();

    /// <summary>The folder the logs go to: <c>LATCHKEY_TEST_LOG_DIR</c>, or <c>artifacts/test-results/logs</c> of the repository.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("LATCHKEY_TEST_LOG_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepoPaths.TryFindRoot() ?? Path.GetTempPath(), "artifacts", "test-results", "logs");

    public static string FilePath { get; } =
        Path.Combine(Directory, $"{AppDomain.CurrentDomain.FriendlyName}-{Environment.ProcessId}.log");

    /// <summary>
    /// Latchkey's categories from Debug; every other category at the level the server's appsettings.json gives it
    /// (a rule for this provider would override those), so the scan sees what production would log.
    /// </summary>
    public static void AddTo(IServiceCollection services)
    {
        // A line per host, so a run that logged nothing else still leaves a file (the scan refuses an empty run).
        Write($"Information Latchkey.Tests[0] A test host starts; this process logs to {Path.GetFileName(FilePath)}.");
        services.AddLogging(logging => logging
            .AddProvider(new TestLogFiles())
            .AddFilter<TestLogFiles>("Latchkey", LogLevel.Debug));
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(categoryName);

    public void Dispose()
    {
        // The writer is per process and flushes every line; hosts come and go.
    }

    /// <summary>For tests of the logging itself: appends one raw line.</summary>
    public static void Write(string line)
    {
        lock (Gate)
        {
            Writer.Value.WriteLine(line);
        }
    }

    private static StreamWriter Open()
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        return new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    private sealed class FileLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder()
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"{logLevel,-11} {category}[{eventId.Id}] ")
                .Append(formatter(state, exception));
            // The structured values too: a secret passed as an argument but left out of the template still counts.
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values.Where(v => v.Key != "{OriginalFormat}"))
                {
                    line.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            if (exception is not null)
            {
                line.AppendLine().Append(exception);
            }

            Write(line.ToString());
        }
    }
}

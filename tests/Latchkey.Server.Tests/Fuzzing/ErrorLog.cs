using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>Keeps the server's error-level log entries, so a 5xx found by the fuzzer names its exception.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly List<string> _entries = [];

    public string Last
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count == 0 ? "(nothing logged)" : _entries[^1];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (log._entries)
                {
                    log._entries.Add($"{category}: {formatter(state, exception)}\n{exception}");
                }
            }
        }
    }
}

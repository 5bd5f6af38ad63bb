using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>
/// Every log event of one test host, every category at Trace (a rule for this provider alone, so the other providers
/// keep their levels): the message, each structured value, the scopes and the exception, as any sink could write them.
/// The lines are also appended to a file under <see cref="TestLogFiles.Directory"/>, so scripts/scan-logs.py reads them.
/// </summary>
public sealed class CapturedLog : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    public string Text => string.Join('\n', _lines);

    public int Count => _lines.Count;

    public void AddTo(IServiceCollection services) =>
        services.AddLogging(logging => logging.AddProvider(this).AddFilter<CapturedLog>(null, LogLevel.Trace));

    /// <summary>Writes what was captured to <c>&lt;logs&gt;/&lt;name&gt;-&lt;pid&gt;.log</c> for the scan of the whole run.</summary>
    public void Save(string name)
    {
        Directory.CreateDirectory(TestLogFiles.Directory);
        File.AppendAllLines(Path.Combine(TestLogFiles.Directory, $"{name}-{Environment.ProcessId}.log"), _lines);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        // Nothing to release: the lines stay readable after the host stops.
    }

    private sealed class Logger(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"{logLevel,-11} {category}[{eventId.Id}] ")
                .Append(formatter(state, exception));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values.Where(v => v.Key != "{OriginalFormat}"))
                {
                    line.Append(" | ").Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }

            owner._scopes?.ForEachScope((scope, builder) => builder.Append(" => ").Append(scope), line);
            if (exception is not null)
            {
                line.AppendLine().Append(exception);
            }

            owner._lines.Enqueue(line.ToString());
        }
    }
}

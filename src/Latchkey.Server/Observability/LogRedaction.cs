using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Observability;

/// <summary>
/// No secret in any log at any level (docs/observability.md#no-secrets-in-logs). Latchkey's own messages never carry
/// one (LogHygieneTests), but the libraries below it do once their categories are turned down to Information or
/// Debug: ASP.NET Core's request lines carry the URL, and <c>/oauth2/authorize?sessionToken=…</c> or
/// <c>/recovery/reset-password?token=…</c> put a live token there; OpenIddict at Trace prints the tokens it creates and
/// the requests it extracted. Every logger therefore goes through this filter: before any provider (console, journal,
/// OTLP) sees an event, the message and each structured value lose what looks like a credential, and a value whose
/// placeholder is named for a secret is removed wherever it appears. Events that hold nothing of the kind pass unchanged.
/// </summary>
public static partial class LogRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>Wraps the host's logger factory; call after the logging services are registered.</summary>
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    /// <summary>The text with every credential-shaped part replaced by <see cref="Redacted"/>.</summary>
    public static string Redact(string text)
    {
        if (text.Length < 8)
        {
            return text;
        }

        var redacted = Jwt().Replace(text, Redacted);
        redacted = ApiKey().Replace(redacted, "lk_" + Redacted);
        redacted = NamedInUrlOrForm().Replace(redacted, m => m.Groups["name"].Value + "=" + Redacted);
        redacted = NamedInJson().Replace(redacted, m => m.Groups["name"].Value + "\"" + Redacted + "\"");
        return Bearer().Replace(redacted, m => m.Groups["scheme"].Value + Redacted);
    }

    /// <summary>Whether a structured value's name says it holds a secret (its value is then removed everywhere).</summary>
    internal static bool IsSecretName(string key) =>
        SecretName().IsMatch(key) && !NotASecret().IsMatch(key);

    // Compact JWS and JWE: a JSON header (eyJ) and at least one more segment.
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){1,4}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])lk_[A-Za-z0-9_-]{16,}")]
    private static partial Regex ApiKey();

    // The parameter names that carry secrets in Latchkey's and OAuth's URLs, forms and JSON bodies (Wix camelCase and
    // RFC snake_case). OAuth's own "state" is the client's value, not Latchkey's, and stays.
    private const string Names =
        "session_?token|state_?token|recovery_?token|refresh_?token|access_?token|id_?token(?:_hint)?|token|code|" +
        "code_?verifier|client_?secret|client_?assertion|assertion|(?:new_?|current_?|old_?)?password|api_?key|secret|" +
        "device_?code|user_?code|subject_?token|actor_?token|recovery_?code|totp|otp";

    [GeneratedRegex(@"(?<name>(?<![A-Za-z0-9_])(?:" + Names + @"))=(?!\[redacted\])[^&\s#;,""'<>()\]]+", RegexOptions.IgnoreCase)]
    private static partial Regex NamedInUrlOrForm();

    [GeneratedRegex(@"(?<name>""(?:" + Names + @")""\s*:\s*)""(?!\[redacted\])(?:[^""\\]|\\.)*""", RegexOptions.IgnoreCase)]
    private static partial Regex NamedInJson();

    [GeneratedRegex(@"(?<scheme>\b(?:bearer|basic)\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex("token|secret|password|verifier|referenceid|apikey|api_key|^code$|code$|cookie|assertion|otp$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // Names about a secret that are not one: its id, type, kind, count, length or expiry.
    [GeneratedRegex("(?<!reference)id$|ids$|type$|types$|kind$|count$|length$|hint$|expir|lifetime|name$|purpose$|status$", RegexOptions.IgnoreCase)]
    private static partial Regex NotASecret();
}

/// <summary>The host's logger factory, with <see cref="LogRedaction"/> in front of every logger it makes.</summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}

internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        List<KeyValuePair<string, object?>>? values = null;
        List<string>? secrets = null;
        var changed = false;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> structured)
        {
            values = new(structured.Count);
            foreach (var (key, value) in structured)
            {
                if (key == "{OriginalFormat}" || value is null || value is ValueType)
                {
                    values.Add(new(key, value));
                    continue;
                }

                var text = value.ToString() ?? "";
                if (LogRedaction.IsSecretName(key) && text.Length > 0 && !Guid.TryParse(text, out _))
                {
                    (secrets ??= []).Add(text);
                    values.Add(new(key, LogRedaction.Redacted));
                    changed = true;
                    continue;
                }

                var redacted = LogRedaction.Redact(text);
                changed |= !ReferenceEquals(redacted, text) && redacted != text;
                values.Add(new(key, redacted == text ? value : redacted));
            }
        }

        var safe = message;
        foreach (var secret in secrets ?? [])
        {
            safe = safe.Replace(secret, LogRedaction.Redacted, StringComparison.Ordinal);
        }

        safe = LogRedaction.Redact(safe);
        if (!changed && safe == message)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        inner.Log(logLevel, eventId, new RedactedState(safe, values ?? []), exception, static (s, _) => s.Message);
    }

    /// <summary>What the providers see instead: the redacted message and values (placeholder names and template kept).</summary>
    private sealed class RedactedState(string message, List<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}

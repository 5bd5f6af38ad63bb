using System.Reflection;
using System.Text.RegularExpressions;
using Latchkey.Testing;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// Structured logs (docs/observability.md): every <c>[LoggerMessage]</c> in Latchkey's assemblies has its own non-zero
/// event id inside a range the docs assign, and no template has a placeholder named for a secret.
/// </summary>
public partial class LogHygieneTests
{
    // The server's assembly is the program, latchkey.dll.
    private static readonly string[] AssemblyNames =
        ["Latchkey.Core", "latchkey", "Latchkey.Storage", "Latchkey.Storage.Sqlite", "Latchkey.Storage.PostgreSql"];

    private static IReadOnlyList<(MethodInfo Method, LoggerMessageAttribute Attribute)> LogMethods()
    {
        _ = typeof(Program);
        return
        [
            .. AssemblyNames.Select(Assembly.Load)
                .SelectMany(a => a.GetTypes())
                .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
                .Where(x => x.Attribute is not null),
        ];
    }

    private static string Name(MethodInfo method) => $"{method.DeclaringType!.FullName}.{method.Name}";

    [Fact]
    public void Every_log_message_has_a_unique_non_zero_event_id()
    {
        var methods = LogMethods();
        Assert.True(methods.Count >= 10, $"found only {methods.Count} [LoggerMessage] methods: is the reflection still finding them?");

        Assert.All(methods, m => Assert.True(m.Attribute.EventId > 0, $"{Name(m.Method)} has no event id"));
        var duplicates = methods.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => Name(m.Method)))}").ToList();
        Assert.True(duplicates.Count == 0, "event ids used twice: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void Every_event_id_falls_in_a_range_the_docs_assign()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "observability.md"));
        var ranges = RangeRow().Matches(docs).Select(m => (From: int.Parse(m.Groups["from"].Value), To: int.Parse(m.Groups["to"].Value))).ToList();
        Assert.NotEmpty(ranges);

        var outside = LogMethods().Where(m => !ranges.Any(r => m.Attribute.EventId >= r.From && m.Attribute.EventId <= r.To))
            .Select(m => $"{m.Attribute.EventId} ({Name(m.Method)})").ToList();
        Assert.True(outside.Count == 0, "event ids outside every range in docs/observability.md: " + string.Join(", ", outside));
    }

    [Fact]
    public void No_template_has_a_placeholder_named_for_a_secret()
    {
        var suspicious = LogMethods()
            .SelectMany(m => Placeholder().Matches(m.Attribute.Message ?? "").Select(p => (m.Method, Name: p.Groups[1].Value)))
            .Where(p => SecretName().IsMatch(p.Name))
            .Select(p => $"{{{p.Name}}} in {Name(p.Method)}").ToList();

        Assert.True(suspicious.Count == 0, "log templates that would carry a secret: " + string.Join(", ", suspicious));
    }

    [GeneratedRegex(@"^\|\s*(?<from>\d{4})\s*[–-]\s*(?<to>\d{4})\s*\|", RegexOptions.Multiline)]
    private static partial Regex RangeRow();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?:[:,][^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("token|password|secret|apikey|api_key|verifier|cookie|authorization|^code$|_code$|otp|masterkey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}

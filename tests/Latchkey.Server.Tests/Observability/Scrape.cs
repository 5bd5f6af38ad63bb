using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Observability;

/// <summary>One Prometheus text exposition, as a scraper reads it.</summary>
public sealed partial class Scrape(string text)
{
    public string Text { get; } = text;

    public static async Task<Scrape> TakeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        return new Scrape(text);
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels)
    {
        var sum = 0d;
        foreach (Match sample in Sample().Matches(Text))
        {
            if (sample.Groups["name"].Value != name)
            {
                continue;
            }

            var present = sample.Groups["labels"].Value;
            if (labels.All(l => present.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                sum += double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>Whether the exposition declares this metric (a <c># TYPE</c> line).</summary>
    public bool Declares(string name, string type) => Text.Contains($"# TYPE {name} {type}\n", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}

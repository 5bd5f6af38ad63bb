using System.Globalization;

namespace Latchkey.Server.Cli;

/// <summary>Plain-text tables: one header row, columns padded to their widest cell.</summary>
internal static class Table
{
    public static void Write(TextWriter output, string[] headers, IEnumerable<string?[]> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "").ToArray()).ToList();
        if (all.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(headers, widths));
        foreach (var row in all)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    /// <summary>One record as <c>name: value</c> lines.</summary>
    public static void Fields(TextWriter output, params (string Name, string? Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in fields)
        {
            output.WriteLine($"{(name + ":").PadRight(width)} {value}");
        }
    }

    public static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    public static string Flag(bool value) => value ? "yes" : "no";

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}

namespace Latchkey.Server.HostedPages;

/// <summary>One input of a hosted form: its label, and the error tied to it when the last submission had one.</summary>
public sealed record FormField(string Name, string Label, string Type = "text", string? Autocomplete = null)
{
    public string? Value { get; init; }
    public string? Error { get; init; }
    public string? Hint { get; init; }
    public bool Required { get; init; } = true;
    public string? InputMode { get; init; }
    public int? MinLength { get; init; }
}

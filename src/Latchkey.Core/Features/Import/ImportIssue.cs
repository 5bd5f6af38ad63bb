namespace Latchkey.Core.Features.Import;

/// <summary>A row that was not imported, with its line number.</summary>
public sealed record ImportIssue(long Line, ImportIssueKind Kind, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

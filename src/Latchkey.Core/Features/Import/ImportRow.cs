namespace Latchkey.Core.Features.Import;

/// <summary>One row read from the file: a record, or why the line could not be read. <see cref="Line"/> is 1-based.</summary>
public readonly record struct ImportRow(long Line, ImportRecord? Record, string? Problem);

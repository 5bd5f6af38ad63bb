namespace Latchkey.Testing;

/// <summary>Finds files of the repository (docs, scripts, sources) from a test's output folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string?> Found = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Latchkey.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName;
    });

    /// <summary>The folder that holds <c>Latchkey.slnx</c>.</summary>
    public static string Root => Found.Value ?? throw new InvalidOperationException("Latchkey.slnx not found above " + AppContext.BaseDirectory);

    /// <summary>A path under the repository root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The root, or null when the tests run outside a checkout.</summary>
    public static string? TryFindRoot() => Found.Value;
}

namespace Latchkey.Server.Hosting;

/// <summary>Resolves and creates the data directory: configuration, then <c>LATCHKEY_DATA_DIR</c>, then <c>./data</c>.</summary>
public static class DataDirectory
{
    public static string Resolve(string? configured)
    {
        var path = !string.IsNullOrWhiteSpace(configured) ? configured
            : Environment.GetEnvironmentVariable("LATCHKEY_DATA_DIR") is { Length: > 0 } env ? env
            : "data";
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        return full;
    }
}

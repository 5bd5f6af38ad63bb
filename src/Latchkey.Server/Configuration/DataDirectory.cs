namespace Latchkey.Server.Configuration;

/// <summary>
/// The data directory (docs/configuration.md#where-latchkey-reads-its-configuration): <c>Latchkey:DataDirectory</c>
/// (or <c>--data-dir</c>), else <c>LATCHKEY_DATA_DIR</c>, else <c>data</c>; a relative path is relative to the working
/// directory, for the server and every command alike. It holds secrets (the SQLite file, <c>master.key</c>,
/// <c>bootstrap.json</c>, the outbox), so it is kept private: the folder 0700 and every file in it 0600, whatever the umask.
/// </summary>
public static class DataDirectory
{
    public const string Default = "data";

    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The full path, without touching the disk.</summary>
    public static string Locate(string? configured)
    {
        var path = !string.IsNullOrWhiteSpace(configured) ? configured
            : Environment.GetEnvironmentVariable("LATCHKEY_DATA_DIR") is { Length: > 0 } env ? env
            : Default;
        return Path.GetFullPath(path);
    }

    /// <summary>
    /// Creates the directory if needed and makes it private, with what an older version or another tool left open in it.
    /// Called by everything that writes there (the server's start, the SQLite file, master.key, the outbox).
    /// </summary>
    public static void Prepare(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        try
        {
            Directory.CreateDirectory(directory, Folder);
            MakePrivate(new DirectoryInfo(directory));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // A service started in / with no data directory, or a volume that belongs to another user: said plainly.
            throw new StartupException(
                $"The data directory {directory} cannot be created or made private (0700, files 0600) by this user " +
                $"({e.Message}). Set Latchkey:DataDirectory or LATCHKEY_DATA_DIR to a folder this user owns or may create " +
                "(a relative path is relative to the working directory), e.g. a folder inside a volume that belongs to root.", e);
        }
    }

    /// <summary>A private folder inside the data directory (the outbox).</summary>
    public static string PrepareSubdirectory(string directory, string name)
    {
        Prepare(directory);
        var path = Path.Combine(directory, name);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, Folder);
        }

        return path;
    }

    /// <summary>Creates an empty file with mode 0600 unless it exists: SQLite then gives its -wal and -shm files the same mode.</summary>
    public static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || System.IO.File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File });
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            // Another process made it first.
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void MakePrivate(DirectoryInfo directory)
    {
        if ((directory.UnixFileMode & ~Folder) != 0)
        {
            directory.UnixFileMode = Folder;
        }

        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            if (entry is DirectoryInfo child)
            {
                MakePrivate(child);
            }
            else if ((entry.UnixFileMode & ~File) != 0)
            {
                entry.UnixFileMode = File;
            }
        }
    }
}

namespace Latchkey.Server.Cli;

/// <summary>What each exit code means (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;

    /// <summary><c>health</c>: the server did not answer ready.</summary>
    public const int NotReady = 1;
    public const int NotFound = 2;
    public const int Invalid = 3;
    public const int StorageUnavailable = 4;
}

using Latchkey.Server.Configuration;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The one configuration rule of <c>latchkey</c>, the server and every command alike
/// (docs/configuration.md#where-latchkey-reads-its-configuration): the appsettings files beside the program, wherever
/// it is started from; then the environment; then the command line. The data directory is the only path that depends
/// on the working directory (<see cref="DataDirectory"/>).
/// </summary>
public static class LatchkeyConfiguration
{
    /// <summary>The folder of the program (the single file, or <c>latchkey.dll</c>): its content root.</summary>
    public static string ProgramDirectory => AppContext.BaseDirectory;

    /// <summary><c>--data-dir</c>: above every other source of <c>Latchkey:DataDirectory</c>.</summary>
    public static void UseDataDirectory(IConfigurationBuilder configuration, string? dataDirectory)
    {
        if (!string.IsNullOrEmpty(dataDirectory))
        {
            configuration.AddInMemoryCollection([new($"{LatchkeyOptions.Section}:DataDirectory", dataDirectory)]);
        }
    }
}

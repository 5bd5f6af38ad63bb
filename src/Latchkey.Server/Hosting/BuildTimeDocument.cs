using Latchkey.Server.Configuration;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The Release build runs the entry point to write the OpenAPI document (Microsoft.Extensions.ApiDescription.Server's
/// GetDocument.Insider; docs/api/README.md). Only the endpoints matter then, so the app runs on a throwaway store: a
/// data directory under the temp folder, deleted when the tool exits, with an in-memory master key; its bootstrap
/// prints nothing and the log shows warnings only. Nothing is created in the checkout or the build output, and nothing
/// secret reaches the build log.
/// </summary>
public static class BuildTimeDocument
{
    public static bool IsRunning { get; } =
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static void Configure(IConfigurationBuilder configuration)
    {
        var throwaway = Directory.CreateTempSubdirectory("latchkey-openapi-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(throwaway);
        configuration.AddInMemoryCollection(
        [
            new($"{LatchkeyOptions.Section}:DataDirectory", throwaway),
            new($"{LatchkeyOptions.Section}:Storage:Provider", nameof(StorageProvider.Sqlite)),
            new($"{LatchkeyOptions.Section}:Storage:ConnectionString", ""),
            new($"{LatchkeyOptions.Section}:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))),
            new("Logging:LogLevel:Default", "Warning"),
            new("Logging:LogLevel:Latchkey", "Warning"),
        ]);
    }

    private static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}

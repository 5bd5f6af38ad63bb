using Latchkey.Server.Configuration;

namespace Latchkey.Server.Hosting;

/// <summary><c>latchkey serve</c>: the HTTP server, from its first start (bootstrap) to its shutdown.</summary>
public static class LatchkeyServer
{
    /// <summary>Runs the server until it is stopped; 2 when a start-up condition stops it (printed without a stack trace).</summary>
    public static async Task<int> RunAsync(string[] hostArguments, string? dataDirectory, TextWriter error)
    {
        // Configuration is read once at start (docs/configuration.md), so appsettings files are not watched: the watcher
        // walked the whole content root at every start, 40 % of start-up when run from a checkout (docs/benchmarks.md).
        // A later --hostBuilder:reloadConfigOnChange=true on the command line still turns it on. The slim builder leaves
        // out what Latchkey never uses (HTTP/3, IIS, regex route constraints, the Debug and EventSource log providers,
        // hosting-startup assemblies); AddLatchkey puts back the HTTPS endpoints of Kestrel's configuration and the
        // console formatter setting (docs/decisions/0018-start-up-cost.md).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. hostArguments],
            ContentRootPath = LatchkeyConfiguration.ProgramDirectory,
        });
        LatchkeyConfiguration.UseDataDirectory(builder.Configuration, dataDirectory);

        // The build runs this entry point to write the OpenAPI document (Microsoft.Extensions.ApiDescription.Server,
        // Release builds; docs/api/README.md): on a throwaway store, printing nothing (BuildTimeDocument).
        if (BuildTimeDocument.IsRunning)
        {
            BuildTimeDocument.Configure(builder.Configuration);
        }

        builder.AddLatchkey();
        builder.Services.AddSystemd();
        var app = builder.Build();
        try
        {
            await app.Services.GetRequiredService<Bootstrapper>().RunAsync(migrate: false, CancellationToken.None, announce: !BuildTimeDocument.IsRunning);
            // Inside the try: a malformed proxy or outbound allow-list stops the start with its message.
            app.MapLatchkey();
        }
        catch (StartupException e)
        {
            await error.WriteLineAsync("Latchkey cannot start: " + e.Message);
            return 2;
        }

        await app.RunAsync();
        return 0;
    }
}

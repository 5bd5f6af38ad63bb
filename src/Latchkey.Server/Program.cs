using Latchkey.Server.Hosting;

// `Latchkey.Server migrate` brings the database up to this build (and creates the first site on an empty one), then
// exits: the step an operator runs once per release before starting PostgreSQL nodes, which never migrate themselves.
var migrateOnly = args is ["migrate", ..];

// Configuration is read once at start (docs/configuration.md), so appsettings files are not watched: the watcher
// walked the whole content root (the working directory) at every start, 40 % of start-up when run from a checkout
// (docs/benchmarks.md). A later --hostBuilder:reloadConfigOnChange=true on the command line still turns it on.
// The slim builder leaves out what Latchkey never uses (HTTP/3, IIS, regex route constraints, the Debug and
// EventSource log providers, hosting-startup assemblies); AddLatchkey puts back the HTTPS endpoints of Kestrel's
// configuration and the console formatter setting (docs/decisions/0018-start-up-cost.md).
var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args.Skip(migrateOnly ? 1 : 0)]);

// The build runs this entry point to write the OpenAPI document (Microsoft.Extensions.ApiDescription.Server, Release
// builds; docs/api/README.md). The app then starts without a server on a data directory inside the build output, so
// that the checkout's ./data is never touched.
var describingOnly = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";
if (describingOnly)
{
    builder.Configuration["Latchkey:DataDirectory"] = Path.Combine(AppContext.BaseDirectory, "openapi-data");
}

builder.AddLatchkey();

var app = builder.Build();
try
{
    await app.Services.GetRequiredService<Bootstrapper>().RunAsync(migrateOnly, CancellationToken.None);
    if (!migrateOnly)
    {
        app.MapLatchkey();
    }
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync("Latchkey cannot start: " + e.Message);
    return 2;
}

if (migrateOnly)
{
    Console.WriteLine("The database is migrated.");
    return 0;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

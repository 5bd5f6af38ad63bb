using Latchkey.Server.Hosting;

// Configuration is read once at start (docs/configuration.md), so appsettings files are not watched: the watcher
// walked the whole content root (the working directory) at every start, 40 % of start-up when run from a checkout
// (docs/benchmarks.md). A later --hostBuilder:reloadConfigOnChange=true on the command line still turns it on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.AddLatchkey();

var app = builder.Build();
await app.Services.GetRequiredService<Bootstrapper>().RunAsync(CancellationToken.None);
app.MapLatchkey();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

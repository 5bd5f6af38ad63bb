using Latchkey.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLatchkey();

var app = builder.Build();
await app.Services.GetRequiredService<Bootstrapper>().RunAsync(CancellationToken.None);
app.MapLatchkey();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

using Latchkey.Server.Cli;

// One program, `latchkey` (docs/cli.md). `latchkey serve` runs the server, and so does `latchkey` alone or with host
// options only (`--urls …`): that is the README's `dotnet run --project src/Latchkey.Server`. `latchkey migrate` and
// the admin commands run the server's services in a host that never listens. Both read one configuration: the
// appsettings files beside the program, the environment, and the data directory relative to the working directory
// (docs/configuration.md#where-latchkey-reads-its-configuration).
return await LatchkeyCli.RunAsync(args, Console.Out, Console.Error);

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

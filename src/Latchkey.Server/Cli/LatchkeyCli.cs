using System.CommandLine;
using Latchkey.Server.Admin;
using Latchkey.Server.Cli.Commands;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Cli;
/// <summary>
/// The <c>latchkey</c> program: <c>serve</c> runs the server (<see cref="LatchkeyServer"/>; also the default when no
/// command is given); every other command runs the server's configuration and services (<c>AddLatchkey</c>) in a host
/// that never listens, over the same database, with the same admin operations as the REST API (<see cref="SiteAdmin"/>
/// and friends), audited as actor <c>cli</c>.
/// </summary>
public static class LatchkeyCli
{
    /// <summary>Global: where the data directory is (else <c>Latchkey:DataDirectory</c>, <c>LATCHKEY_DATA_DIR</c>, <c>./data</c>).</summary>
    internal static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "The data directory (default: Latchkey:DataDirectory, else LATCHKEY_DATA_DIR, else ./data; relative to the working directory).",
        Recursive = true,
    };

    /// <summary>Global: machine output (one JSON document on stdout; errors as JSON on stderr).</summary>
    internal static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of tables.", Recursive = true };

    /// <summary>Global: the site for site-scoped commands; default the only site.</summary>
    internal static readonly Option<Guid?> Site = new("--site") { Description = "The site id (default: the only site).", Recursive = true };

    /// <summary>Runs one command line; <paramref name="configure"/> lets tests replace services (the clock).</summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Latchkey: the server ('latchkey serve', the default) and its administration: sites, clients, API keys, members, signing keys, audit log, export.");
        root.Options.Add(DataDir);
        root.Options.Add(Json);
        root.Options.Add(Site);
        // The data directory is named on an interactive terminal only: a script's stderr carries errors alone.
        var announce = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        var runner = new CommandRunner(output, error, configure, announce);
        ServeCommands.Add(root, error);
        SetupCommands.Add(root, runner);
        SiteCommands.Add(root, runner);
        ClientCommands.Add(root, runner);
        IdentityProviderCommands.Add(root, runner);
        ApiKeyCommands.Add(root, runner);
        MemberCommands.Add(root, runner);
        KeyCommands.Add(root, runner);
        AuditCommands.Add(root, runner);
        TransferCommands.Add(root, runner);
        ImportCommand.Add(root, runner);

        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        var serving = parsed.CommandResult.Command == root || parsed.CommandResult.Command.Name == "serve";
        if (!serving && parsed.UnmatchedTokens.Count > 0)
        {
            // Only the server takes options it does not know (its configuration); a command refuses a misspelt one.
            await error.WriteLineAsync($"error (usage): unrecognized {string.Join(", ", parsed.UnmatchedTokens.Select(t => $"'{t}'"))}; 'latchkey {parsed.CommandResult.Command.Name} --help' lists the options.");
            return ExitCodes.Usage;
        }

        if (serving)
        {
            // The server owns its shutdown (SIGTERM: graceful, within HostOptions.ShutdownTimeout) and its failures
            // (a start-up exception ends the process as it always did, and reaches the test host).
            invocation.ProcessTerminationTimeout = null;
            invocation.EnableDefaultExceptionHandler = false;
        }

        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>The server's services over its configuration, without Kestrel, hosted services or a listener.</summary>
    internal static IHost BuildHost(string? dataDirectory, Action<IServiceCollection>? configure)
    {
        // The server's rule (LatchkeyConfiguration): the appsettings files beside the program, then the environment.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = LatchkeyConfiguration.ProgramDirectory,
            // The server's environment variable names the environment too, so both read the same appsettings.{env}.json.
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"),
        });
        LatchkeyConfiguration.UseDataDirectory(builder.Configuration, dataDirectory);

        // Only warnings, and on stderr: stdout carries the command's output (tables or JSON) alone.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLatchkey();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}

using System.CommandLine;
using Latchkey.Admin.Commands;
using Latchkey.Server.Admin;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Latchkey.Admin;

/// <summary>What each exit code means (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int NotFound = 2;
    public const int Invalid = 3;
    public const int StorageUnavailable = 4;
}

/// <summary>
/// The <c>latchkey</c> command line: the server's configuration and services (<c>AddLatchkey</c>) in a host that never
/// listens, over the same database, running the same admin operations as the REST API (<see cref="SiteAdmin"/> and
/// friends), audited as actor <c>cli</c>.
/// </summary>
public static class LatchkeyCli
{
    /// <summary>Global: where the data directory is (else <c>Latchkey:DataDirectory</c>, <c>LATCHKEY_DATA_DIR</c>, <c>./data</c>).</summary>
    internal static readonly Option<string?> DataDir = new("--data-dir") { Description = "The data directory (default: Latchkey:DataDirectory, LATCHKEY_DATA_DIR, ./data).", Recursive = true };

    /// <summary>Global: machine output (one JSON document on stdout; errors as JSON on stderr).</summary>
    internal static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of tables.", Recursive = true };

    /// <summary>Global: the site for site-scoped commands; default the only site.</summary>
    internal static readonly Option<Guid?> Site = new("--site") { Description = "The site id (default: the only site).", Recursive = true };

    /// <summary>Runs one command line; <paramref name="configure"/> lets tests replace services (the clock).</summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Latchkey administration: sites, clients, API keys, members, signing keys, audit log, export.");
        root.Options.Add(DataDir);
        root.Options.Add(Json);
        root.Options.Add(Site);
        var runner = new CommandRunner(output, error, configure);
        SetupCommands.Add(root, runner);
        SiteCommands.Add(root, runner);
        ClientCommands.Add(root, runner);
        ApiKeyCommands.Add(root, runner);
        MemberCommands.Add(root, runner);
        KeyCommands.Add(root, runner);
        AuditCommands.Add(root, runner);
        TransferCommands.Add(root, runner);
        ImportCommand.Add(root, runner);

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    /// <summary>The server's services over its configuration, without Kestrel, hosted services or a listener.</summary>
    internal static IHost BuildHost(string? dataDirectory, Action<IServiceCollection>? configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Directory.GetCurrentDirectory(),
            // The server's environment variable names the environment too, so both read the same appsettings.{env}.json.
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"),
        });
        if (!string.IsNullOrEmpty(dataDirectory))
        {
            builder.Configuration.AddInMemoryCollection([new("Latchkey:DataDirectory", dataDirectory)]);
        }

        // Only warnings, and on stderr: stdout carries the command's output (tables or JSON) alone.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLatchkey();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}

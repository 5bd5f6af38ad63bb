using System.CommandLine;
using System.Data.Common;
using Latchkey.Server.Configuration;
using Latchkey.Server.Hosting;
using Latchkey.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Cli;

/// <summary>Runs a command's body in a fresh host and scope, and turns storage failures into exit code 4.</summary>
internal sealed class CommandRunner(TextWriter output, TextWriter error, Action<IServiceCollection>? configure, bool announce)
{
    /// <summary>Binds the body; with <c>prepare</c> the database is brought up first as the server does (SQLite migrates; PostgreSQL must be migrated).</summary>
    public void Bind(Command command, Func<CliContext, Task<int>> body, bool prepare = true) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, prepare, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<CliContext, Task<int>> body, bool prepare, CancellationToken cancellationToken)
    {
        var context = new CliContext(parse, output, error, cancellationToken);
        try
        {
            using var host = LatchkeyCli.BuildHost(parse.GetValue(LatchkeyCli.DataDir), configure);
            var options = host.Services.GetRequiredService<IOptions<LatchkeyOptions>>().Value;
            var dataDirectory = options.DataDirectory;
            if (announce && !context.Json)
            {
                await error.WriteLineAsync($"latchkey: data directory {dataDirectory}");
            }

            // Only init and migrate start a database. Any other command on an SQLite file that is not there is most
            // likely run from another folder than the server's: it says so instead of making a second, empty site.
            if (prepare && StorageSetup.UsesDataDirectoryFile(options) && !File.Exists(StorageSetup.SqliteFile(dataDirectory)))
            {
                return context.Fail(ExitCodes.NotFound, "site_not_found",
                    $"There is no Latchkey database in {dataDirectory}. The data directory is ./data in the working directory " +
                    "unless --data-dir or LATCHKEY_DATA_DIR says otherwise: run latchkey from the folder the server runs in, " +
                    "or run 'latchkey init' to start a new one there.");
            }

            await using var scope = host.Services.CreateAsyncScope();
            context.Services = scope.ServiceProvider;
            if (prepare)
            {
                await StorageSetup.PrepareAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), options, cancellationToken);
            }

            return await body(context);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            return context.Fail(ExitCodes.StorageUnavailable, "storage_unavailable", e is StartupException ? e.Message : $"The database is unavailable: {Innermost(e).Message}");
        }
    }

    private static bool IsStorageFailure(Exception e)
    {
        for (var current = (Exception?)e; current is not null; current = current.InnerException)
        {
            if (current is StartupException or DbException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

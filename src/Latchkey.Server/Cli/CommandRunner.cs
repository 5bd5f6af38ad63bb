using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Server.Admin;
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

/// <summary>One command's invocation: its parse result, services, output mode and the exit code to return.</summary>
internal sealed class CliContext(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ParseResult Parse { get; } = parse;
    public TextWriter Output { get; } = output;

    /// <summary>stderr: errors, and progress that must not mix with the command's output.</summary>
    public TextWriter Error { get; } = error;
    public CancellationToken Cancellation { get; } = cancellationToken;
    public IServiceProvider Services { get; set; } = null!;
    public bool Json => Parse.GetValue(LatchkeyCli.Json);

    /// <summary>Set by <see cref="SiteAsync"/> when it answers null.</summary>
    public int ExitCode { get; private set; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>The site of a site-scoped command: <c>--site</c>, else the only one. Null (with the error written) otherwise.</summary>
    public async Task<Site?> SiteAsync()
    {
        if (Parse.GetValue(LatchkeyCli.Site) is { } id)
        {
            var found = await Get<SiteAdmin>().FindAsync(AdminActor.Cli, id, Cancellation);
            if (found.IsSuccess)
            {
                return found.Value;
            }

            ExitCode = Fail(found.Error);
            return null;
        }

        var sites = await Get<SiteAdmin>().ListAsync(AdminActor.Cli, Cancellation);
        switch (sites.Count)
        {
            case 1:
                return (await Get<SiteAdmin>().FindAsync(AdminActor.Cli, sites[0].Id, Cancellation)).Value;
            case 0:
                ExitCode = Fail(ExitCodes.NotFound, "site_not_found", "There is no site yet: run 'latchkey init'.");
                return null;
            default:
                ExitCode = Fail(ExitCodes.Usage, "site_required", $"There are {sites.Count} sites: pass --site <id> ('latchkey sites list' shows them).");
                return null;
        }
    }

    /// <summary>Prints the value: JSON with <c>--json</c>, else the human form.</summary>
    public int Emit<T>(T value, Action<TextWriter, T> human)
    {
        if (Json)
        {
            Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        }
        else
        {
            human(Output, value);
        }

        return ExitCodes.Ok;
    }

    public int Emit<T>(Result<T> result, Action<TextWriter, T> human) => result.IsSuccess ? Emit(result.Value, human) : Fail(result.Error);

    public int Emit<T, TView>(Result<T> result, Func<T, TView> view, Action<TextWriter, TView> human) =>
        result.IsSuccess ? Emit(view(result.Value), human) : Fail(result.Error);

    /// <summary>Writes a catalog error to stderr; 404 is "not found" (2), 503 "storage unavailable" (4), the rest "invalid" (3).</summary>
    public int Fail(LatchkeyError e)
    {
        var code = e.Status switch
        {
            404 => ExitCodes.NotFound,
            503 => ExitCodes.StorageUnavailable,
            _ => ExitCodes.Invalid,
        };
        return Fail(code, e.Code, e.Message, e.Violations);
    }

    public int Fail(int exitCode, string code, string message, IReadOnlyList<FieldViolation>? violations = null)
    {
        if (Json)
        {
            Error.WriteLine(JsonSerializer.Serialize(new
            {
                code,
                message,
                errors = violations?.Select(v => new { field = v.Field, message = v.Description }),
            }, JsonOptions));
        }
        else
        {
            Error.WriteLine($"error ({code}): {message}");
            foreach (var v in (violations ?? []).Skip(1))
            {
                Error.WriteLine($"  {v.Field}: {v.Description}");
            }
        }

        return exitCode;
    }
}

/// <summary>Plain-text tables: one header row, columns padded to their widest cell.</summary>
internal static class Table
{
    public static void Write(TextWriter output, string[] headers, IEnumerable<string?[]> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "").ToArray()).ToList();
        if (all.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(headers, widths));
        foreach (var row in all)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    /// <summary>One record as <c>name: value</c> lines.</summary>
    public static void Fields(TextWriter output, params (string Name, string? Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in fields)
        {
            output.WriteLine($"{(name + ":").PadRight(width)} {value}");
        }
    }

    public static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    public static string Flag(bool value) => value ? "yes" : "no";

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}

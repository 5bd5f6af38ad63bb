using System.CommandLine;
using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli;

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

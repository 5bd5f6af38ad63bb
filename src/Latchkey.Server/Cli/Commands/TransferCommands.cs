using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary>
/// <c>export</c>: a site's members as JSON Lines with their PHC hashes (a secret file, written 0600), in the shape
/// <c>latchkey import</c> (<see cref="ImportCommand"/>) reads.
/// </summary>
internal static class TransferCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var file = new Option<string?>("--output", "-o") { Description = "Write to this new file (mode 0600) instead of stdout." };
        var export = new Command("export", "Export the site's members as JSON Lines, password hashes included, for 'latchkey import'.") { file };
        runner.Bind(export, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var path = c.Value(file);
            if (path is null)
            {
                await c.Get<MemberExport>().WriteAsync(AdminActor.Cli, site.Id, c.Output, c.Cancellation);
                return ExitCodes.Ok;
            }

            if (File.Exists(path))
            {
                return c.Fail(ExitCodes.Invalid, "file_exists", $"'{path}' exists; the export does not overwrite files.");
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            int count;
            // UTF-8 without a byte-order mark (RFC 8259 §8.1): json.loads and jq refuse a BOM, and stdout has none either.
            await using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
            {
                count = await c.Get<MemberExport>().WriteAsync(AdminActor.Cli, site.Id, writer, c.Cancellation);
            }

            return c.Emit(new { exported = count, file = Path.GetFullPath(path) }, (o, v) => o.WriteLine($"{v.exported} member(s) written to {v.file}."));
        });
        root.Subcommands.Add(export);
    }
}

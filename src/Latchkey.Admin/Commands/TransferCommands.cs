using System.CommandLine;
using Latchkey.Server.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Admin.Commands;

/// <summary>
/// <c>export</c>: a site's members as JSON Lines with their PHC hashes (a secret file, written 0600). <c>import</c>:
/// the seam for the member import engine (<see cref="IMemberImport"/>); without one registered it says so (exit 1).
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
            await using (var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options))
            {
                count = await c.Get<MemberExport>().WriteAsync(AdminActor.Cli, site.Id, writer, c.Cancellation);
            }

            return c.Emit(new { exported = count, file = Path.GetFullPath(path) }, (o, v) => o.WriteLine($"{v.exported} member(s) written to {v.file}."));
        });
        root.Subcommands.Add(export);

        var input = new Argument<string>("file") { Description = "A JSON Lines file, as 'latchkey export' writes." };
        var import = new Command("import", "Import members from a JSON Lines file.") { input };
        runner.Bind(import, async c =>
        {
            if (c.Services.GetService<IMemberImport>() is not { } importer)
            {
                return c.Fail(ExitCodes.Usage, "import_unavailable", "This build has no member import engine.");
            }

            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            using var reader = new StreamReader(c.Value(input)!);
            return c.Emit(await importer.ImportAsync(AdminActor.Cli, site.Id, reader, c.Cancellation), (o, v) => o.WriteLine(v.Summary));
        });
        root.Subcommands.Add(import);
    }
}

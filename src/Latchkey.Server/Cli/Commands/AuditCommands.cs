using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>audit list</c>: the site's audit log (and server-wide events), newest first, as <c>GET /admin/v1/audit-events</c>.</summary>
internal static class AuditCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var audit = new Command("audit", "The audit log of administrative changes.");
        var action = new Option<string?>("--action") { Description = "e.g. member.blocked." };
        var actor = new Option<string?>("--actor") { Description = "cli or api-key:<id>." };
        var target = new Option<string?>("--target") { Description = "A type (member) or type:id (member:<id>)." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Events at or after this time (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Events before this time (ISO 8601)." };
        var pageSize = new Option<int?>("--page-size") { Description = "1 to 200 (default 50)." };
        var cursor = new Option<string?>("--cursor") { Description = "The next cursor printed by the previous page." };
        var list = new Command("list", "List events, newest first.") { action, actor, target, from, to, pageSize, cursor };
        runner.Bind(list, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var page = await c.Get<AuditAdmin>().QueryAsync(AdminActor.Cli, site.Id, c.Value(action), c.Value(actor), c.Value(target), c.Value(from), c.Value(to),
                c.Value(pageSize), c.Value(cursor), c.Cancellation);
            return c.Emit(page, (o, p) =>
            {
                Table.Write(o, ["ID", "TIME", "ACTOR", "ACTION", "TARGET", "DETAILS"],
                    p.Items.Select(e => new[] { e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Table.Time(e.OccurredAt), e.Actor, e.Action, $"{e.TargetType}:{e.TargetId}", e.Details.GetRawText() }));
                if (p.NextCursor is { } next)
                {
                    o.WriteLine($"More: --cursor {next}");
                }
            });
        });
        audit.Subcommands.Add(list);
        root.Subcommands.Add(audit);
    }
}

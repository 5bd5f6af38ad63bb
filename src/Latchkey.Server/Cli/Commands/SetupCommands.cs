using System.CommandLine;
using Latchkey.Server.Configuration;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>init</c> and <c>migrate</c>: the server's bootstrap, run from the command line.</summary>
internal static class SetupCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var init = new Command("init", "Migrate the database and create the first site, its Wix-SDK client and an admin API key (shown once).");
        runner.Bind(init, async c =>
        {
            var values = await c.Get<Bootstrapper>().RunAsync(migrate: true, c.Cancellation, announce: false);
            if (values is null)
            {
                return c.Fail(ExitCodes.Invalid, "already_initialized",
                    "This database already has a site; 'latchkey sites create' adds another.");
            }

            var path = Path.Combine(c.Get<IOptions<LatchkeyOptions>>().Value.DataDirectory, "bootstrap.json");
            return c.Emit(values, (o, v) =>
            {
                o.WriteLine($"Latchkey is initialised (also written to {path}, readable by its owner only):");
                Table.Fields(o, ("siteId", v.SiteId), ("clientId", v.ClientId), ("apiKey", v.ApiKey));
            });
        }, prepare: false);
        root.Subcommands.Add(init);

        var migrate = new Command("migrate", "Bring the database schema up to this version; run once per release on PostgreSQL, before the nodes start.");
        runner.Bind(migrate, async c =>
        {
            var created = await c.Get<Bootstrapper>().RunAsync(migrate: true, c.Cancellation, announce: false);
            return c.Emit(new { migrated = true, initialized = created is not null }, (o, v) =>
            {
                o.WriteLine("The database is migrated.");
                if (v.initialized)
                {
                    o.WriteLine("It was empty: the first site, client and API key are in bootstrap.json in the data directory.");
                }
            });
        }, prepare: false);
        root.Subcommands.Add(migrate);
    }
}

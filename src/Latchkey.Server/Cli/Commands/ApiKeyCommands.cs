using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>api-keys list|create|revoke</c>: a site's API keys and their permissions.</summary>
internal static class ApiKeyCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var keys = new Command("api-keys", "API keys of a site (--site, default the only site).");

        var list = new Command("list", "List the site's keys (never their secrets).");
        runner.Bind(list, async c => await c.SiteAsync() is not { } site ? c.ExitCode
            : c.Emit(await c.Get<ApiKeyAdmin>().ListAsync(site.Id, c.Cancellation), (o, v) =>
                Table.Write(o, ["ID", "NAME", "PERMISSIONS", "CREATED", "REVOKED"],
                    v.Select(k => new[] { k.Id.ToString(), k.Name, k.Permissions, Table.Time(k.CreatedAt), Table.Time(k.RevokedAt) }))));
        keys.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var permissions = new Option<string[]>("--permission")
        {
            Description = "sign-on, admin or server-admin (repeat, or comma-separate; all = sign-on,admin).",
            Required = true,
        };
        var create = new Command("create", "Create a key; it is shown once.") { name, permissions };
        runner.Bind(create, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            if (ApiKeyAdmin.Parse(c.Value(permissions) ?? []) is not { } parsed)
            {
                return c.Fail(ExitCodes.Usage, "permission_unknown", "Permissions are sign-on, admin, server-admin or all.");
            }

            return c.Emit(await c.Get<ApiKeyAdmin>().CreateAsync(AdminActor.Cli, site.Id, c.Value(name), parsed, c.Cancellation), (o, v) =>
            {
                o.WriteLine("API key created. It is shown once:");
                Table.Fields(o, ("id", v.ApiKey.Id.ToString()), ("permissions", v.ApiKey.Permissions), ("key", v.Key));
            });
        });
        keys.Subcommands.Add(create);

        var id = new Argument<Guid>("key-id");
        var revoke = new Command("revoke", "Revoke a key at once, for good.") { id };
        runner.Bind(revoke, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var revoked = await c.Get<ApiKeyAdmin>().RevokeAsync(AdminActor.Cli, site.Id, c.Value(id), c.Cancellation);
            return revoked.IsSuccess ? c.Emit(new { revoked = c.Value(id) }, (o, v) => o.WriteLine($"API key {v.revoked} is revoked.")) : c.Fail(revoked.Error);
        });
        keys.Subcommands.Add(revoke);
        root.Subcommands.Add(keys);
    }
}

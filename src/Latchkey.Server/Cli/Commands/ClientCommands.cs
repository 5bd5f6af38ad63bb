using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>clients list|create|update</c>: the site's OAuth clients.</summary>
internal static class ClientCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var clients = new Command("clients", "OAuth clients of a site (--site, default the only site).");

        var list = new Command("list", "List the site's clients.");
        runner.Bind(list, async c => await c.SiteAsync() is not { } site ? c.ExitCode
            : c.Emit(await c.Get<ClientAdmin>().ListAsync(site.Id, c.Cancellation), (o, v) =>
                Table.Write(o, ["CLIENT ID", "KIND", "CONFIDENTIAL", "NAME", "REDIRECT URIS"],
                    v.Select(x => new[] { x.ClientId, x.Kind, Table.Flag(x.Confidential), x.DisplayName, string.Join(' ', x.RedirectUris) }))));
        clients.Subcommands.Add(list);

        var kind = new Option<string>("--kind") { Description = "standard (rotating refresh tokens, the default) or wix-sdk (the Wix SDK's policy).", DefaultValueFactory = _ => "standard" };
        kind.AcceptOnlyFromAmong("standard", "wix-sdk", "wixSdk");
        var name = new Option<string?>("--name") { Description = "A display name." };
        var redirects = new Option<string[]>("--redirect-uri") { Description = "An exact redirect URI (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var origins = new Option<string[]>("--origin") { Description = "An allowed origin, scheme://host[:port] (repeat for more)." };
        var confidential = new Option<bool>("--confidential") { Description = "A confidential client: gets a secret (shown once), client credentials and introspection." };
        var create = new Command("create", "Register a client.") { kind, name, redirects, origins, confidential };
        runner.Bind(create, async c => await c.SiteAsync() is not { } site ? c.ExitCode
            : c.Emit(await c.Get<ClientAdmin>().CreateAsync(AdminActor.Cli, site.Id,
                new ClientInput(c.Value(name), c.Value(kind), c.Value(confidential), c.Value(redirects), c.Value(origins)), c.Cancellation), Show));
        clients.Subcommands.Add(create);

        var id = new Argument<string>("client-id");
        var newName = new Option<string?>("--name") { Description = "A new display name." };
        var newRedirects = new Option<string[]?>("--redirect-uri") { Description = "Replaces the redirect URIs (repeat for more)." };
        var newOrigins = new Option<string[]?>("--origin") { Description = "Replaces the allowed origins (repeat for more)." };
        var rotate = new Option<bool>("--rotate-secret") { Description = "Give a confidential client a new secret (shown once); the old one stops working." };
        var update = new Command("update", "Change a client's name, redirect URIs or origins, or replace its secret.") { id, newName, newRedirects, newOrigins, rotate };
        runner.Bind(update, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var patch = new ClientPatch(c.Value(newName), NullIfAbsent(c, newRedirects), NullIfAbsent(c, newOrigins), c.Value(rotate));
            return c.Emit(await c.Get<ClientAdmin>().UpdateAsync(AdminActor.Cli, site.Id, c.Value(id)!, patch, c.Cancellation), Show);
        });
        clients.Subcommands.Add(update);
        root.Subcommands.Add(clients);
    }

    private static string[]? NullIfAbsent(CliContext c, Option<string[]?> option) =>
        c.Parse.GetResult(option) is null ? null : c.Value(option) ?? [];

    private static void Show(TextWriter o, ClientWithSecret v)
    {
        Table.Fields(o, ("clientId", v.Client.ClientId), ("kind", v.Client.Kind), ("confidential", Table.Flag(v.Client.Confidential)),
            ("name", v.Client.DisplayName), ("redirectUris", string.Join(' ', v.Client.RedirectUris)), ("allowedOrigins", string.Join(' ', v.Client.AllowedOrigins)));
        if (v.ClientSecret is { } secret)
        {
            Table.Fields(o, ("clientSecret", secret + "   (shown once)"));
        }
    }
}

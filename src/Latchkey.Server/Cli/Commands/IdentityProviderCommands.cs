using System.CommandLine;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.IdentityProviders;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary>
/// <c>identity-providers list|add|update|remove</c>: the site's registrations with upstream identity providers
/// (docs/identity-providers/README.md). The secret is read from a file or standard input (<c>--client-secret-file -</c>),
/// never from the command line, where the shell's history and the process list would keep it.
/// </summary>
internal static class IdentityProviderCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var providers = new Command("identity-providers", "Sign-in with Google, Apple, Microsoft, GitHub, Facebook or an OpenID provider (--site, default the only site).");

        var list = new Command("list", "List the site's identity providers (never their secrets).");
        runner.Bind(list, async c => await c.SiteAsync() is not { } site ? c.ExitCode
            : c.Emit(await c.Get<IdentityProviderAdmin>().ListAsync(site.Id, c.Cancellation), (o, v) =>
                Table.Write(o, ["ID", "KIND", "NAME", "CLIENT ID", "TRUST EMAIL", "ENABLED"],
                    v.Select(x => new[] { x.Id.ToString(), x.Kind, x.DisplayName, x.ClientId, Table.Flag(x.TrustEmail), Table.Flag(x.Enabled) }))));
        providers.Subcommands.Add(list);

        var kind = new Argument<string>("kind") { Description = "google, apple, microsoft, github, facebook or openIdConnect." };
        var settings = Settings.Create();
        var add = new Command("add", "Register the site with a provider.") { kind };
        settings.AddTo(add);
        runner.Bind(add, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var input = settings.Read(c, c.Value(kind));
            return input.IsSuccess
                ? c.Emit(await c.Get<IdentityProviderAdmin>().CreateAsync(AdminActor.Cli, site.Id, input.Value, c.Cancellation), Show)
                : c.Fail(input.Error);
        });
        providers.Subcommands.Add(add);

        var id = new Argument<Guid>("id");
        var changes = Settings.Create();
        var update = new Command("update", "Change a provider; options left out keep their value.") { id };
        changes.AddTo(update);
        runner.Bind(update, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var input = changes.Read(c, kind: null);
            return input.IsSuccess
                ? c.Emit(await c.Get<IdentityProviderAdmin>().UpdateAsync(AdminActor.Cli, site.Id, c.Value(id), input.Value, c.Cancellation), Show)
                : c.Fail(input.Error);
        });
        providers.Subcommands.Add(update);

        var removed = new Argument<Guid>("id");
        var remove = new Command("remove", "Remove a provider and every identity linked through it.") { removed };
        runner.Bind(remove, async c =>
        {
            if (await c.SiteAsync() is not { } site)
            {
                return c.ExitCode;
            }

            var deleted = await c.Get<IdentityProviderAdmin>().DeleteAsync(AdminActor.Cli, site.Id, c.Value(removed), c.Cancellation);
            return deleted.IsSuccess
                ? c.Emit(new { removed = c.Value(removed) }, (o, v) => o.WriteLine($"Identity provider {v.removed} is removed."))
                : c.Fail(deleted.Error);
        });
        providers.Subcommands.Add(remove);
        root.Subcommands.Add(providers);
    }

    private static void Show(TextWriter o, IdentityProviderView v) =>
        Table.Fields(o, ("id", v.Id.ToString()), ("kind", v.Kind), ("name", v.DisplayName), ("clientId", v.ClientId),
            ("clientSecret", v.ClientSecretSet ? "(set)" : "(none)"), ("issuer", v.Issuer), ("tenant", v.Tenant), ("teamId", v.TeamId),
            ("keyId", v.KeyId), ("trustEmail", Table.Flag(v.TrustEmail)), ("enabled", Table.Flag(v.Enabled)));

    /// <summary>The options add and update share.</summary>
    private sealed record Settings(
        Option<string?> Name, Option<string?> ClientId, Option<string?> SecretFile, Option<string?> Issuer, Option<string?> Tenant,
        Option<string?> TeamId, Option<string?> KeyId, Option<bool?> TrustEmail, Option<bool?> Enabled)
    {
        public static Settings Create() => new(
            new("--name") { Description = "The button's label (default: the provider's name, or the issuer's host)." },
            new("--client-id") { Description = "The id the provider gave the site." },
            new("--client-secret-file") { Description = "A file holding the client secret (Apple: the .p8 private key); - reads standard input." },
            new("--issuer") { Description = "openIdConnect: the provider's issuer URL." },
            new("--tenant") { Description = "microsoft: a tenant id, a verified domain, common (default), organizations or consumers." },
            new("--team-id") { Description = "apple: the 10-character team id." },
            new("--key-id") { Description = "apple: the 10-character id of the private key." },
            new("--trust-email") { Description = "Link to an existing member by an email both sides verified, without the member proving the account (default false)." },
            new("--enabled") { Description = "Show the provider's button and allow its sign-ins (default true)." });

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Name, ClientId, SecretFile, Issuer, Tenant, TeamId, KeyId, TrustEmail, Enabled })
            {
                command.Options.Add(option);
            }
        }

        public Result<IdentityProviderInput> Read(CliContext c, string? kind)
        {
            string? secret = null;
            if (c.Value(SecretFile) is { } path)
            {
                try
                {
                    secret = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return LatchkeyErrors.Validation(new FieldViolation("clientSecret", $"--client-secret-file could not be read: {e.Message}", "FILE", "STRING"));
                }
            }

            return new IdentityProviderInput(kind, c.Value(Name), c.Value(ClientId), secret, c.Value(Issuer), c.Value(Tenant), c.Value(TeamId), c.Value(KeyId),
                c.Value(TrustEmail), c.Value(Enabled));
        }
    }
}

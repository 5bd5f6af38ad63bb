using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>sites list|create|update</c>: every site (the CLI is server-wide) and their policies.</summary>
internal static class SiteCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var sites = new Command("sites", "Sites and their sign-on, password and enumeration policies.");

        var list = new Command("list", "List every site.");
        runner.Bind(list, async c => c.Emit(await c.Get<SiteAdmin>().ListAsync(AdminActor.Cli, c.Cancellation), (o, v) =>
            Table.Write(o, ["ID", "NAME", "CREATED", "APPROVAL", "VERIFY EMAIL", "PASSWORD"],
                v.Select(s => new[] { s.Id.ToString(), s.Name, Table.Time(s.CreatedAt), Table.Flag(s.RequireOwnerApproval), Table.Flag(s.RequireEmailVerification), $"{s.PasswordMinLength}-{s.PasswordMaxLength}" }))));
        sites.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "The site's name.", Required = true };
        var create = new Command("create", "Create a site and an admin API key for it (shown once).") { name };
        runner.Bind(create, async c => c.Emit(await c.Get<SiteAdmin>().CreateAsync(AdminActor.Cli, c.Value(name), c.Cancellation), (o, v) =>
        {
            o.WriteLine("Site created. The API key is shown once:");
            Table.Fields(o, ("siteId", v.Site.Id.ToString()), ("name", v.Site.Name), ("apiKeyId", v.AdminKey.ApiKey.Id.ToString()), ("apiKey", v.AdminKey.Key));
        }));
        sites.Subcommands.Add(create);

        var id = new Argument<Guid>("site-id") { Description = "The site to change." };
        var newName = new Option<string?>("--name") { Description = "A new name." };
        var approval = new Option<bool?>("--require-owner-approval") { Description = "New sign-ups wait for an admin (true/false)." };
        var verify = new Option<bool?>("--require-email-verification") { Description = "Unverified emails must verify with a code (true/false)." };
        var reveal = new Option<bool?>("--reveal-unknown-email") { Description = "Login answers 404 for unknown emails, as Wix does (true/false)." };
        var safe = new Option<bool?>("--enumeration-safe-registration") { Description = "Registering a taken email answers as for a new one (true/false; needs email verification)." };
        var min = new Option<int?>("--password-min-length") { Description = "8 to 256." };
        var max = new Option<int?>("--password-max-length") { Description = "64 to 1024." };
        var breached = new Option<bool?>("--password-check-breached") { Description = "Refuse passwords in the breached list (true/false)." };
        var strength = new Option<int?>("--password-min-strength") { Description = "zxcvbn score 0 (off) to 4." };
        var update = new Command("update", "Change a site's name or policies; options left out keep their value.")
        {
            id, newName, approval, verify, reveal, safe, min, max, breached, strength,
        };
        runner.Bind(update, async c =>
        {
            var patch = new SitePatch(c.Value(newName), c.Value(approval), c.Value(verify), c.Value(reveal), c.Value(safe),
                c.Value(min), c.Value(max), c.Value(breached), c.Value(strength));
            return c.Emit(await c.Get<SiteAdmin>().UpdateAsync(AdminActor.Cli, c.Value(id), patch, c.Cancellation), Show);
        });
        sites.Subcommands.Add(update);
        root.Subcommands.Add(sites);
    }

    private static void Show(TextWriter o, SiteView s) => Table.Fields(o,
        ("id", s.Id.ToString()), ("name", s.Name), ("created", Table.Time(s.CreatedAt)),
        ("requireOwnerApproval", Table.Flag(s.RequireOwnerApproval)), ("requireEmailVerification", Table.Flag(s.RequireEmailVerification)),
        ("revealUnknownEmail", Table.Flag(s.RevealUnknownEmail)), ("enumerationSafeRegistration", Table.Flag(s.EnumerationSafeRegistration)),
        ("passwordLength", $"{s.PasswordMinLength}-{s.PasswordMaxLength}"), ("passwordCheckBreached", Table.Flag(s.PasswordCheckBreached)),
        ("passwordMinStrength", s.PasswordMinStrength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

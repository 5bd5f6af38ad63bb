using System.CommandLine;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>keys list|rotate</c>: the server-wide access-token signing keys.</summary>
internal static class KeyCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var keys = new Command("keys", "Access-token signing keys (server-wide).");

        var list = new Command("list", "List the keys: pending, signing, verifying or retired.");
        runner.Bind(list, async c => c.Emit(await c.Get<SigningKeyAdmin>().ListAsync(c.Cancellation), (o, v) =>
            Table.Write(o, ["KID", "ALG", "STATE", "CREATED", "RETIRES"],
                v.Select(k => new[] { k.Kid, k.Algorithm, k.State, Table.Time(k.CreatedAt), Table.Time(k.RetiresAt) }))));
        keys.Subcommands.Add(list);

        var rotate = new Command("rotate", "Create a new signing key now; running servers publish it at their next check and sign with it after the propagation delay.");
        runner.Bind(rotate, async c => c.Emit(await c.Get<SigningKeyAdmin>().RotateAsync(AdminActor.Cli, c.Cancellation), (o, v) =>
            o.WriteLine($"New signing key {v.Kid}; it signs from {Table.Time(v.SignsFrom)}.")));
        keys.Subcommands.Add(rotate);
        root.Subcommands.Add(keys);
    }
}

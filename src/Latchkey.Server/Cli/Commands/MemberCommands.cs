using System.CommandLine;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;

namespace Latchkey.Server.Cli.Commands;

/// <summary><c>members list|search|show|approve|block|delete|sessions|revoke-sessions</c>: a site's members.</summary>
internal static class MemberCommands
{
    public static void Add(RootCommand root, CommandRunner runner)
    {
        var members = new Command("members", "Members of a site (--site, default the only site). A member is named by id or email.");

        var search = new Option<string?>("--search") { Description = "Only emails containing this text." };
        var status = new Option<string?>("--status") { Description = "active, pending or blocked." };
        var pageSize = new Option<int?>("--page-size") { Description = "1 to 200 (default 50)." };
        var cursor = new Option<string?>("--cursor") { Description = "The next cursor printed by the previous page." };
        var list = new Command("list", "List members by id, a page at a time.") { search, status, pageSize, cursor };
        runner.Bind(list, c => ListAsync(c, c.Value(search), c.Value(status), c.Value(pageSize), c.Value(cursor)));
        members.Subcommands.Add(list);

        var text = new Argument<string>("text") { Description = "Part of an email address." };
        var find = new Command("search", "Members whose email contains the text.") { text, status, pageSize, cursor };
        runner.Bind(find, c => ListAsync(c, c.Value(text), c.Value(status), c.Value(pageSize), c.Value(cursor)));
        members.Subcommands.Add(find);

        var member = new Argument<string>("member") { Description = "Member id or email." };
        var show = new Command("show", "One member.") { member };
        runner.Bind(show, c => WithMemberAsync(c, member, async (site, id) => c.Emit(await c.Get<MemberAdmin>().FindAsync(site.Id, id, c.Cancellation), Show)));
        members.Subcommands.Add(show);

        var approve = new Command("approve", "Approve a pending member (also unblocks).") { member };
        runner.Bind(approve, c => WithMemberAsync(c, member, async (site, id) =>
            c.Emit(await c.Get<MemberAdmin>().ApproveAsync(AdminActor.Cli, site, id, c.Cancellation), MemberView.From, Show)));
        members.Subcommands.Add(approve);

        var block = new Command("block", "Block a member and end every session of theirs.") { member };
        runner.Bind(block, c => WithMemberAsync(c, member, async (site, id) =>
            c.Emit(await c.Get<MemberAdmin>().BlockAsync(AdminActor.Cli, site, id, c.Cancellation), MemberView.From, Show)));
        members.Subcommands.Add(block);

        var delete = new Command("delete", "Delete a member with their sessions, flows and MFA records. Cannot be undone.") { member };
        runner.Bind(delete, c => WithMemberAsync(c, member, async (site, id) =>
        {
            var deleted = await c.Get<MemberAdmin>().DeleteAsync(AdminActor.Cli, site.Id, id, c.Cancellation);
            return deleted.IsSuccess ? c.Emit(new { deleted = id }, (o, v) => o.WriteLine($"Member {v.deleted} is deleted.")) : c.Fail(deleted.Error);
        }));
        members.Subcommands.Add(delete);

        var sessions = new Command("sessions", "A member's sessions, newest first.") { member };
        runner.Bind(sessions, c => WithMemberAsync(c, member, async (site, id) =>
            c.Emit(await c.Get<MemberAdmin>().SessionsAsync(site.Id, id, c.Cancellation), (o, v) =>
                Table.Write(o, ["SESSION", "CREATED", "EXPIRES", "REVOKED", "LIVE", "BROWSER"],
                    v.Select(s => new[] { s.Id.ToString(), Table.Time(s.CreatedAt), Table.Time(s.ExpiresAt), Table.Time(s.RevokedAt), Table.Flag(s.Live), Table.Flag(s.Browser) })))));
        members.Subcommands.Add(sessions);

        var revoke = new Command("revoke-sessions", "End every live session of a member: refresh tokens and member calls stop working.") { member };
        runner.Bind(revoke, c => WithMemberAsync(c, member, async (site, id) =>
        {
            var ended = await c.Get<MemberAdmin>().RevokeSessionsAsync(AdminActor.Cli, site.Id, id, c.Cancellation);
            return ended.IsSuccess ? c.Emit(new { revoked = ended.Value }, (o, v) => o.WriteLine($"{v.revoked} session(s) ended.")) : c.Fail(ended.Error);
        }));
        members.Subcommands.Add(revoke);
        root.Subcommands.Add(members);
    }

    private static async Task<int> ListAsync(CliContext c, string? search, string? status, int? pageSize, string? cursor)
    {
        if (await c.SiteAsync() is not { } site)
        {
            return c.ExitCode;
        }

        return c.Emit(await c.Get<MemberAdmin>().ListAsync(site.Id, search, status, pageSize, cursor, c.Cancellation), (o, page) =>
        {
            Table.Write(o, ["ID", "EMAIL", "STATUS", "VERIFIED", "MFA", "CREATED"],
                page.Items.Select(m => new[] { m.Id.ToString(), m.Email, m.Status, Table.Flag(m.EmailVerified), Table.Flag(m.MfaEnabled), Table.Time(m.CreatedAt) }));
            if (page.NextCursor is { } next)
            {
                o.WriteLine($"More: --cursor {next}");
            }
        });
    }

    /// <summary>Resolves the site and the member argument (an id, or an email looked up on the site).</summary>
    private static async Task<int> WithMemberAsync(CliContext c, Argument<string> argument, Func<Core.Sites.Site, Guid, Task<int>> run)
    {
        if (await c.SiteAsync() is not { } site)
        {
            return c.ExitCode;
        }

        var value = c.Value(argument)!;
        if (Guid.TryParse(value, out var id))
        {
            return await run(site, id);
        }

        if (value.Contains('@', StringComparison.Ordinal) &&
            await c.Get<IMemberStore>().FindByEmailAsync(site.Id, EmailAddress.Normalize(value), c.Cancellation) is { } found)
        {
            return await run(site, found.Id);
        }

        return c.Fail(LatchkeyErrors.MemberIdNotFound.WithDetail($"No member of this site is '{value}'."));
    }

    private static void Show(TextWriter o, MemberView m) => Table.Fields(o,
        ("id", m.Id.ToString()), ("email", m.Email), ("status", m.Status), ("emailVerified", Table.Flag(m.EmailVerified)),
        ("pendingReasons", string.Join(',', m.PendingReasons)), ("password", Table.Flag(m.HasPassword)), ("mfa", Table.Flag(m.MfaEnabled)),
        ("passwordResetRequired", Table.Flag(m.PasswordResetRequired)), ("nickname", m.Nickname),
        ("created", Table.Time(m.CreatedAt)), ("updated", Table.Time(m.UpdatedAt)));
}

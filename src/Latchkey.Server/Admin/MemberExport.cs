using System.Text.Json;
using Latchkey.Core.Audit;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>
/// <c>export</c>: every member of a site as JSON Lines, one object per line, including the PHC password hash so that
/// the file can be imported into another Latchkey (docs/cli.md lists the fields). The file is a secret.
/// </summary>
public sealed class MemberExport(IAdminStore admin, AdminAudit audit)
{
    public sealed record ExportedMember(
        Guid Id, string Email, bool EmailVerified, string Status, IReadOnlyList<string> PendingReasons, string? PasswordHash,
        bool PasswordResetRequired, bool MfaEnabled, JsonElement Profile, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<int> WriteAsync(AdminActor actor, Guid siteId, TextWriter output, CancellationToken cancellationToken)
    {
        var count = 0;
        Guid? after = null;
        while (true)
        {
            var page = await admin.ListMembersAsync(siteId, new MemberQuery(PageSize: 500, After: after), cancellationToken);
            foreach (var m in page)
            {
                var line = new ExportedMember(m.Id, m.Email, m.EmailVerified, MemberAdmin.StatusName(m.Status), MemberAdmin.ReasonNames(m.PendingReasons),
                    m.PasswordHash, m.PasswordResetRequired, m.MfaEnabled, JsonDocument.Parse(m.Profile.ToJson()).RootElement, m.CreatedAt, m.UpdatedAt);
                await output.WriteLineAsync(JsonSerializer.Serialize(line, Json).AsMemory(), cancellationToken);
                count++;
            }

            if (page.Count < 500)
            {
                break;
            }

            after = page[^1].Id;
        }

        await output.FlushAsync(cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.MembersExported, "site", siteId.ToString(), new { members = count }, cancellationToken);
        return count;
    }
}

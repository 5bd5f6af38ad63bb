using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.EmailSettings;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Email;
using Latchkey.Server.Outbound;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Admin;

/// <summary>
/// A site's own SMTP server: where its mail goes now (<c>site</c>, <c>global</c> or <c>outbox</c>), never the password.
/// The host must lead to a public address (<see cref="OutboundPolicy"/>), and every change is audited, the password
/// masked (issue #21).
/// </summary>
public sealed class EmailSettingsAdmin(
    ISiteEmailSettingsStore store, SaveEmailSettings step, OutboundPolicy outbound, AdminAudit audit, IOptions<EmailOptions> options)
{
    public sealed record EmailSettingsResponse(
        string Source, string? Host, int? Port, string? Security, string? UserName, bool PasswordSet, string From, DateTimeOffset? UpdatedAt);

    public async Task<EmailSettingsResponse> GetAsync(Guid siteId, CancellationToken cancellationToken) =>
        Describe(await store.FindAsync(siteId, cancellationToken));

    public async Task<Result<EmailSettingsResponse>> SaveAsync(AdminActor actor, Guid siteId, EmailSettingsInput input, CancellationToken cancellationToken)
    {
        var saved = await step.HandleAsync(siteId, input, cancellationToken);
        if (!saved.IsSuccess)
        {
            return saved.Error;
        }

        if (!await outbound.IsAllowedHostAsync(saved.Value.Host, cancellationToken))
        {
            // Checked after the shape, before anything is kept: the previous settings stay.
            return LatchkeyErrors.Validation(new FieldViolation("host",
                "host leads to a loopback, private, link-local or otherwise non-public address; Latchkey:Outbound:AllowedNetworks can allow a network.",
                "PUBLIC_ADDRESS", "STRING"));
        }

        await step.SaveAsync(saved.Value, cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.EmailSettingsUpdated, "site", siteId.ToString(), new
        {
            saved.Value.Host,
            saved.Value.Port,
            security = saved.Value.Security.ToString(),
            saved.Value.UserName,
            saved.Value.From,
            password = input.Password is null ? (saved.Value.SealedPassword is null ? "(none)" : "(kept)") : "(set)",
        }, cancellationToken);
        return Describe(saved.Value);
    }

    /// <summary>Forgets the site's settings: its email goes through the server's again.</summary>
    public async Task<EmailSettingsResponse> DeleteAsync(AdminActor actor, Guid siteId, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(siteId, cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.EmailSettingsDeleted, "site", siteId.ToString(), null, cancellationToken);
        return Describe(null);
    }

    private EmailSettingsResponse Describe(SiteEmailSettings? site)
    {
        var global = options.Value;
        if (site is not null)
        {
            return new EmailSettingsResponse("site", site.Host, site.Port, site.Security.ToString(), site.UserName, site.SealedPassword is not null,
                site.From ?? global.From, site.UpdatedAt);
        }

        return string.IsNullOrEmpty(global.Smtp.Host)
            ? new EmailSettingsResponse("outbox", null, null, null, null, false, global.From, null)
            : new EmailSettingsResponse("global", global.Smtp.Host, global.Smtp.Port, global.Smtp.Security.ToString(), global.Smtp.UserName,
                !string.IsNullOrEmpty(global.Smtp.Password), global.From, null);
    }
}

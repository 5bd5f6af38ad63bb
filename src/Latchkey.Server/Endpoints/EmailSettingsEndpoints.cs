using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.EmailSettings;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Email;
using Latchkey.Server.Wire;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/email-settings</c>: the API key's site's own SMTP server (admin permission; RFC 9457 problems).
/// GET shows where the site's mail goes now (<c>site</c>, <c>global</c> or <c>outbox</c>) and never the password. The host
/// must lead to a public address (<see cref="Outbound.OutboundPolicy"/>), and every change is audited, the password
/// masked (issue #21).
/// </summary>
public static class EmailSettingsEndpoints
{
    private const string Path = "/admin/v1/email-settings";

    public sealed record EmailSettingsRequest(string? Host, int? Port, string? Security, string? UserName, string? Password, string? From);

    public sealed record EmailSettingsResponse(
        string Source, string? Host, int? Port, string? Security, string? UserName, bool PasswordSet, string From, DateTimeOffset? UpdatedAt);

    public static void MapEmailSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpRequest request, CallerResolver callers, ISiteEmailSettingsStore store, IOptions<EmailOptions> options, CancellationToken ct) =>
            await AsAdminAsync(request, callers, async (site, _) => Results.Ok(Describe(await store.FindAsync(site.Id, ct), options.Value)), ct))
            .Own<EmailSettingsResponse>(ApiDocs.Admin, "The site's SMTP settings (the password is never shown)");
        app.MapPut(Path, async (
            HttpRequest request, CallerResolver callers, SaveEmailSettings step, Outbound.OutboundPolicy outbound, AdminAudit audit,
            IOptions<EmailOptions> options, CancellationToken ct) =>
            await AsAdminAsync(request, callers, async (site, actor) =>
            {
                var body = await RequestBody.ReadAsync<EmailSettingsRequest>(request, ct);
                if (!body.IsSuccess)
                {
                    return Problems.ToResult(body.Error);
                }

                var b = body.Value;
                var saved = await step.HandleAsync(site.Id, new EmailSettingsInput(b.Host, b.Port, b.Security, b.UserName, b.Password, b.From), ct);
                if (!saved.IsSuccess)
                {
                    return Problems.ToResult(saved.Error);
                }

                if (!await outbound.IsAllowedHostAsync(saved.Value.Host, ct))
                {
                    // Checked after the shape, before anything is kept: the previous settings stay.
                    return Problems.ToResult(Core.Errors.LatchkeyErrors.Validation(new Core.Errors.FieldViolation("host",
                        "host leads to a loopback, private, link-local or otherwise non-public address; Latchkey:Outbound:AllowedNetworks can allow a network.",
                        "PUBLIC_ADDRESS", "STRING")));
                }

                await step.SaveAsync(saved.Value, ct);
                await audit.RecordAsync(actor, site.Id, AuditActions.EmailSettingsUpdated, "site", site.Id.ToString(), new
                {
                    saved.Value.Host,
                    saved.Value.Port,
                    security = saved.Value.Security.ToString(),
                    saved.Value.UserName,
                    saved.Value.From,
                    password = b.Password is null ? (saved.Value.SealedPassword is null ? "(none)" : "(kept)") : "(set)",
                }, ct);
                return Results.Ok(Describe(saved.Value, options.Value));
            }, ct))
            .Own<EmailSettingsRequest, EmailSettingsResponse>(ApiDocs.Admin, "Send the site's email through its own SMTP server");
        app.MapDelete(Path, async (HttpRequest request, CallerResolver callers, ISiteEmailSettingsStore store, AdminAudit audit, IOptions<EmailOptions> options, CancellationToken ct) =>
            await AsAdminAsync(request, callers, async (site, actor) =>
            {
                await store.DeleteAsync(site.Id, ct);
                await audit.RecordAsync(actor, site.Id, AuditActions.EmailSettingsDeleted, "site", site.Id.ToString(), null, ct);
                return Results.Ok(Describe(null, options.Value));
            }, ct))
            .Own<EmailSettingsResponse>(ApiDocs.Admin, "Forget the site's SMTP settings: email goes through the server's");
    }

    private static EmailSettingsResponse Describe(SiteEmailSettings? site, EmailOptions global)
    {
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

    private static async Task<IResult> AsAdminAsync(
        HttpRequest request, CallerResolver callers, Func<Site, AdminActor, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error);
        }

        return caller.Value.ApiKey is { } key && key.Permissions.HasFlag(ApiKeyPermissions.Admin)
            ? await handle(caller.Value.Site, AdminActor.For(key))
            : Problems.ToResult(LatchkeyErrors.PermissionDenied.WithDetail("Email settings need an API key with the admin permission."));
    }
}

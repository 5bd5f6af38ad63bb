using Latchkey.Core.Features.EmailSettings;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;
using static Latchkey.Server.Admin.EmailSettingsAdmin;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/email-settings</c>: the API key's site's own SMTP server (admin permission; RFC 9457 problems).
/// GET shows where the site's mail goes now (<c>site</c>, <c>global</c> or <c>outbox</c>) and never the password. The host
/// must lead to a public address, and every change is audited, the password masked (issue #21; <see cref="EmailSettingsAdmin"/>).
/// </summary>
public static class EmailSettingsEndpoints
{
    public sealed record EmailSettingsRequest(string? Host, int? Port, string? Security, string? UserName, string? Password, string? From);

    public static void MapEmailSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/admin/v1/email-settings")
            .RequireCaller(CallerKind.Admin, "Email settings need an API key with the admin permission.");
        settings.MapGet("", GetAsync)
            .Own(ApiDocs.Admin, "The site's SMTP settings (the password is never shown)");
        settings.MapPut("", PutAsync)
            .Own(ApiDocs.Admin, "Send the site's email through its own SMTP server");
        settings.MapDelete("", DeleteAsync)
            .Own(ApiDocs.Admin, "Forget the site's SMTP settings: email goes through the server's");
    }

    private static async Task<ApiResult<EmailSettingsResponse>> GetAsync(Call call, EmailSettingsAdmin admin, CancellationToken cancellationToken) =>
        await admin.GetAsync(call.Site.Id, cancellationToken);

    private static async Task<ApiResult<EmailSettingsResponse>> PutAsync(Call<EmailSettingsRequest> call, EmailSettingsAdmin admin, CancellationToken cancellationToken) =>
        await admin.SaveAsync(call.Actor(), call.Site.Id, new EmailSettingsInput(
            call.Body.Host, call.Body.Port, call.Body.Security, call.Body.UserName, call.Body.Password, call.Body.From), cancellationToken);

    private static async Task<ApiResult<EmailSettingsResponse>> DeleteAsync(Call call, EmailSettingsAdmin admin, CancellationToken cancellationToken) =>
        await admin.DeleteAsync(call.Actor(), call.Site.Id, cancellationToken);
}

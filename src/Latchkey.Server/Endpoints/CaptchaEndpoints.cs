using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;
using static Latchkey.Server.Admin.CaptchaAdmin;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The ALTCHA challenge the widget fetches (<c>GET /_api/latchkey/captcha/v1/altcha-challenge?clientId=…</c>; public,
/// the client id names the site), and the site's CAPTCHA policy for admins
/// (<c>GET</c>/<c>PATCH /admin/v1/captcha-policy</c>, RFC 9457 problems; the secret is write-only). A verify URL must
/// lead to a public address, and every change is audited with the fields it sent, the secret masked (issue #21;
/// <see cref="CaptchaAdmin"/>).
/// </summary>
public static class CaptchaEndpoints
{
    public static void MapCaptchaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(WixRoutes.AltchaChallenge, ChallengeAsync)
            .Own(ApiDocs.WixAuthentication, "A fresh ALTCHA proof-of-work challenge for the client's site");
        var policy = app.MapGroup("/admin/v1/captcha-policy").RequireCaller(CallerKind.Admin);
        policy.MapGet("", Get)
            .Own(ApiDocs.Admin, "The site's CAPTCHA policy (the secret is never shown)");
        policy.MapPatch("", PatchAsync)
            .Own(ApiDocs.Admin, "Change the site's CAPTCHA policy");
    }

    private static async Task<ApiResult<AltchaChallenge>> ChallengeAsync(
        string? clientId, IClientStore clients, ISiteStore sites, AltchaChallenges altcha, HttpResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || await clients.FindAsync(clientId, cancellationToken) is not { } client ||
            await sites.FindAsync(client.SiteId, cancellationToken) is not { } site)
        {
            return LatchkeyErrors.ClientNotFound.WithDetail("Pass the clientId of one of the site's OAuth clients.");
        }

        response.Headers.CacheControl = "no-store";
        return altcha.Create(site);
    }

    private static ApiResult<PolicyView> Get(Call call) => View(call.Site.Captcha);

    private static async Task<ApiResult<PolicyView>> PatchAsync(Call<PolicyPatch> call, CaptchaAdmin captcha, CancellationToken cancellationToken) =>
        await captcha.UpdateAsync(call.Actor(), call.Site, call.Body, cancellationToken);
}

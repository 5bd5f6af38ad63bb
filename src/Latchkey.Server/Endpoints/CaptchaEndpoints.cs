using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Outbound;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The ALTCHA challenge the widget fetches (<c>GET /_api/latchkey/captcha/v1/altcha-challenge?clientId=…</c>; public,
/// the client id names the site), and the site's CAPTCHA policy for admins
/// (<c>GET</c>/<c>PATCH /admin/v1/captcha-policy</c>, RFC 9457 problems; the secret is write-only). A verify URL must
/// lead to a public address (<see cref="OutboundPolicy"/>), and every change is audited with the fields it sent, the
/// secret masked (issue #21).
/// </summary>
public static class CaptchaEndpoints
{

    public sealed record PolicyView(
        string Mode, string Provider, List<string> Actions, string? VerifyUrl, string? SiteKey, bool HasSecret, double MinScore,
        int AltchaMaxNumber, int RiskAfterFailures, bool FailOpen, List<string> Hostnames);

    public sealed record PolicyPatch(
        string? Mode, string? Provider, List<string>? Actions, string? VerifyUrl, string? SiteKey, string? Secret, double? MinScore,
        int? AltchaMaxNumber, int? RiskAfterFailures, bool? FailOpen, List<string>? Hostnames);

    public static void MapCaptchaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(WixRoutes.AltchaChallenge, ChallengeAsync)
            .Own<AltchaChallenge>(ApiDocs.WixAuthentication, "A fresh ALTCHA proof-of-work challenge for the client's site");
        app.MapGet("/admin/v1/captcha-policy", GetAsync)
            .Own<PolicyView>(ApiDocs.Admin, "The site's CAPTCHA policy (the secret is never shown)");
        app.MapPatch("/admin/v1/captcha-policy", PatchAsync)
            .Own<PolicyPatch, PolicyView>(ApiDocs.Admin, "Change the site's CAPTCHA policy");
    }

    private static async Task<IResult> ChallengeAsync(
        string? clientId, IClientStore clients, ISiteStore sites, AltchaChallenges altcha, HttpResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || await clients.FindAsync(clientId, cancellationToken) is not { } client ||
            await sites.FindAsync(client.SiteId, cancellationToken) is not { } site)
        {
            return Problems.ToResult(LatchkeyErrors.ClientNotFound.WithDetail("Pass the clientId of one of the site's OAuth clients."));
        }

        response.Headers.CacheControl = "no-store";
        return Results.Json(altcha.Create(site));
    }

    private static async Task<IResult> GetAsync(HttpRequest request, CallerResolver callers, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? Results.Json(View(caller.Value.Site.Captcha)) : Problems.ToResult(caller.Error);
    }

    private static async Task<IResult> PatchAsync(
        HttpRequest request, CallerResolver callers, ISiteStore sites, CaptchaSecrets secrets, OutboundPolicy outbound, AdminAudit audit,
        CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAdminAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error);
        }

        var body = await RequestBody.ReadAsync<PolicyPatch>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error);
        }

        var site = caller.Value.Site;
        var patch = body.Value;
        var applied = Apply(site.Captcha, patch, secrets);
        if (!applied.IsSuccess)
        {
            return Problems.ToResult(applied.Error);
        }

        if (patch.VerifyUrl is { Length: > 0 } url && !await outbound.IsAllowedHostAsync(new Uri(url).Host, cancellationToken))
        {
            return Problems.ToResult(LatchkeyErrors.Validation(new FieldViolation("verifyUrl",
                "verifyUrl leads to a loopback, private, link-local or otherwise non-public address; Latchkey:Outbound:AllowedNetworks can allow a network.",
                "PUBLIC_ADDRESS", "URL")));
        }

        site = site with { Captcha = applied.Value };
        await sites.UpdateAsync(site, cancellationToken);
        await audit.RecordAsync(caller.Value.Actor, site.Id, AuditActions.CaptchaPolicyUpdated, "site", site.Id.ToString(),
            patch with { Secret = patch.Secret is null ? null : patch.Secret.Length == 0 ? "(cleared)" : "(set)" }, cancellationToken);
        return Results.Json(View(site.Captcha));
    }

    private static Result<CaptchaPolicy> Apply(CaptchaPolicy current, PolicyPatch patch, CaptchaSecrets secrets)
    {
        var violations = new List<FieldViolation>();
        var next = new CaptchaPolicy
        {
            Mode = Parse(patch.Mode, current.Mode, "mode", violations),
            Provider = Parse(patch.Provider, current.Provider, "provider", violations),
            Actions = current.Actions,
            VerifyUrl = patch.VerifyUrl ?? current.VerifyUrl,
            SiteKey = patch.SiteKey ?? current.SiteKey,
            SealedSecret = patch.Secret is null ? current.SealedSecret : patch.Secret.Length == 0 ? null : secrets.Seal(patch.Secret),
            MinScore = patch.MinScore ?? current.MinScore,
            AltchaMaxNumber = patch.AltchaMaxNumber ?? current.AltchaMaxNumber,
            RiskAfterFailures = patch.RiskAfterFailures ?? current.RiskAfterFailures,
            FailOpen = patch.FailOpen ?? current.FailOpen,
            Hostnames = patch.Hostnames is { } hostnames ? string.Join(' ', hostnames.Select(h => h.Trim().ToLowerInvariant()).Where(h => h.Length > 0).Distinct()) : current.Hostnames,
        };
        if (next.Provider != current.Provider)
        {
            // Another provider's secret or verify URL would fail every token, or worse, answer 4xx for ever.
            next = next with { SealedSecret = patch.Secret is { Length: > 0 } secret ? secrets.Seal(secret) : null, VerifyUrl = patch.VerifyUrl };
        }

        if (patch.Actions is { } actions)
        {
            var chosen = GuardedAction.None;
            foreach (var action in actions)
            {
                chosen |= Parse(action, GuardedAction.None, "actions", violations);
            }

            next = next with { Actions = chosen };
        }

        if (next.VerifyUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            violations.Add(new FieldViolation("verifyUrl", "verifyUrl is an absolute http(s) URL.", "FORMAT", "URL"));
        }

        if (patch.Hostnames is { } names && (names.Count > 20 || names.Any(h => Uri.CheckHostName(h.Trim()) is UriHostNameType.Unknown or UriHostNameType.Basic)))
        {
            violations.Add(new FieldViolation("hostnames", "hostnames is a list of at most 20 host names, e.g. shop.example.", "FORMAT", "STRING"));
        }

        if (next.MinScore is < 0 or > 1)
        {
            violations.Add(new FieldViolation("minScore", "minScore is between 0 and 1.", "RANGE", "NUMBER"));
        }

        if (next.AltchaMaxNumber is < 1_000 or > 10_000_000)
        {
            violations.Add(new FieldViolation("altchaMaxNumber", "altchaMaxNumber is between 1,000 and 10,000,000.", "RANGE", "NUMBER"));
        }

        if (next.RiskAfterFailures is < 1 or > 1_000)
        {
            violations.Add(new FieldViolation("riskAfterFailures", "riskAfterFailures is between 1 and 1,000.", "RANGE", "NUMBER"));
        }

        if (next.Mode != CaptchaMode.Off && next.Provider != CaptchaProvider.Altcha && next.SealedSecret is null)
        {
            violations.Add(new FieldViolation("secret", $"The {next.Provider} provider needs its secret.", "REQUIRED_FIELD", "STRING"));
        }

        if (next.Mode != CaptchaMode.Off && next.Provider == CaptchaProvider.RecaptchaEnterprise && string.IsNullOrEmpty(next.VerifyUrl))
        {
            violations.Add(new FieldViolation("verifyUrl", "reCAPTCHA Enterprise needs the assessments URL of the project.", "REQUIRED_FIELD", "URL"));
        }

        return violations.Count > 0 ? LatchkeyErrors.Validation([.. violations]) : next;
    }

    private static T Parse<T>(string? value, T current, string field, List<FieldViolation> violations)
        where T : struct, Enum
    {
        if (value is null)
        {
            return current;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        violations.Add(new FieldViolation(field, $"'{value}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(Camel))}.", "ENUM", "STRING"));
        return current;
    }

    private static PolicyView View(CaptchaPolicy policy) => new(
        Camel(policy.Mode.ToString()), Camel(policy.Provider.ToString()),
        [.. Enum.GetValues<GuardedAction>().Where(a => a != GuardedAction.None && policy.Actions.HasFlag(a)).Select(a => Camel(a.ToString()))],
        policy.VerifyUrl, policy.SiteKey, policy.SealedSecret is not null, policy.MinScore, policy.AltchaMaxNumber, policy.RiskAfterFailures,
        policy.FailOpen, [.. policy.HostnameList]);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.Admin;

/// <summary>
/// A site's CAPTCHA policy (docs/abuse-protection.md#captcha): absent fields keep their value, the secret is
/// write-only. A verify URL must lead to a public address (<see cref="OutboundPolicy"/>), and every change is audited
/// with the fields it sent, the secret masked (issue #21).
/// </summary>
public sealed class CaptchaAdmin(ISiteStore sites, CaptchaSecrets secrets, OutboundPolicy outbound, AdminAudit audit)
{
    public sealed record PolicyView(
        string Mode, string Provider, List<string> Actions, string? VerifyUrl, string? SiteKey, bool HasSecret, double MinScore,
        int AltchaMaxNumber, int RiskAfterFailures, bool FailOpen, List<string> Hostnames);

    public sealed record PolicyPatch(
        string? Mode, string? Provider, List<string>? Actions, string? VerifyUrl, string? SiteKey, string? Secret, double? MinScore,
        int? AltchaMaxNumber, int? RiskAfterFailures, bool? FailOpen, List<string>? Hostnames);

    public static PolicyView View(CaptchaPolicy policy) => new(
        Camel(policy.Mode.ToString()), Camel(policy.Provider.ToString()),
        [.. Enum.GetValues<GuardedAction>().Where(a => a != GuardedAction.None && policy.Actions.HasFlag(a)).Select(a => Camel(a.ToString()))],
        policy.VerifyUrl, policy.SiteKey, policy.SealedSecret is not null, policy.MinScore, policy.AltchaMaxNumber, policy.RiskAfterFailures,
        policy.FailOpen, [.. policy.HostnameList]);

    public async Task<Result<PolicyView>> UpdateAsync(AdminActor actor, Site site, PolicyPatch patch, CancellationToken cancellationToken)
    {
        var applied = Apply(site.Captcha, patch);
        if (!applied.IsSuccess)
        {
            return applied.Error;
        }

        if (patch.VerifyUrl is { Length: > 0 } url && !await outbound.IsAllowedHostAsync(new Uri(url).Host, cancellationToken))
        {
            return LatchkeyErrors.Validation(new FieldViolation("verifyUrl",
                "verifyUrl leads to a loopback, private, link-local or otherwise non-public address; Latchkey:Outbound:AllowedNetworks can allow a network.",
                "PUBLIC_ADDRESS", "URL"));
        }

        await sites.UpdateAsync(site with { Captcha = applied.Value }, cancellationToken);
        await audit.RecordAsync(actor, site.Id, AuditActions.CaptchaPolicyUpdated, "site", site.Id.ToString(),
            patch with { Secret = patch.Secret is null ? null : patch.Secret.Length == 0 ? "(cleared)" : "(set)" }, cancellationToken);
        return View(applied.Value);
    }

    private Result<CaptchaPolicy> Apply(CaptchaPolicy current, PolicyPatch patch)
    {
        var violations = new List<FieldViolation>();
        var next = current with
        {
            Mode = Parse(patch.Mode, current.Mode, "mode", violations),
            Provider = Parse(patch.Provider, current.Provider, "provider", violations),
            VerifyUrl = patch.VerifyUrl ?? current.VerifyUrl,
            SiteKey = patch.SiteKey ?? current.SiteKey,
            SealedSecret = patch.Secret is null ? current.SealedSecret : patch.Secret.Length == 0 ? null : secrets.Seal(patch.Secret),
            MinScore = patch.MinScore ?? current.MinScore,
            AltchaMaxNumber = patch.AltchaMaxNumber ?? current.AltchaMaxNumber,
            RiskAfterFailures = patch.RiskAfterFailures ?? current.RiskAfterFailures,
            FailOpen = patch.FailOpen ?? current.FailOpen,
            Hostnames = patch.Hostnames is { } hostnames ? string.Join(' ', hostnames.Select(h => (h ?? "").Trim().ToLowerInvariant()).Where(h => h.Length > 0).Distinct()) : current.Hostnames,
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

        Check(next, patch, violations);
        return violations.Count > 0 ? LatchkeyErrors.Validation([.. violations]) : next;
    }

    private static void Check(CaptchaPolicy next, PolicyPatch patch, List<FieldViolation> violations)
    {
        if (next.VerifyUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            violations.Add(new FieldViolation("verifyUrl", "verifyUrl is an absolute http(s) URL.", "FORMAT", "URL"));
        }

        if (patch.Hostnames is { } names && (names.Count > 20 || names.Any(h => h is null || Uri.CheckHostName(h.Trim()) is UriHostNameType.Unknown or UriHostNameType.Basic)))
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

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

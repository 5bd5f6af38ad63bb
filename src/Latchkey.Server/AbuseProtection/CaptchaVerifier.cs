using System.Text.Json;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Server.AbuseProtection;

/// <summary>
/// Checks a token with the site's provider. reCAPTCHA (v2 and v3), hCaptcha and Turnstile share the siteverify
/// shape (form POST of secret, response and remoteip; JSON <c>success</c>, v3 adds <c>score</c>); reCAPTCHA
/// Enterprise creates an assessment (JSON <c>event</c>; <c>tokenProperties.valid</c> and <c>riskAnalysis.score</c>).
/// Every call has a timeout; a provider that does not answer properly is <see cref="CaptchaVerdict.Unavailable"/>.
/// A success counts only for this use (issue #21): the answer's action, when it names one, must be the guarded action,
/// its host must be one of the site's hostnames when the site lists any, and it must be at most five minutes old. A
/// verify URL that leads to no public address (<see cref="Outbound.OutboundPolicy"/>) is a configuration error: invalid,
/// whatever <c>failOpen</c> says.
/// </summary>
public sealed partial class CaptchaVerifier(
    IHttpClientFactory http, CaptchaSecrets secrets, AltchaChallenges altcha, ICaptchaReplayStore replays, TimeProvider clock,
    ILogger<CaptchaVerifier> logger)
    : ICaptchaVerifier
{
    public const string HttpClientName = "captcha";

    /// <summary>The oldest solution a provider's answer may report (reCAPTCHA tokens live two minutes, Turnstile's five).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The action names the answers must carry, when they carry one.</summary>
    public static string ActionName(GuardedAction action) => action switch
    {
        GuardedAction.Register => "register",
        GuardedAction.Login => "login",
        GuardedAction.Recovery => "recovery",
        GuardedAction.Verification => "verification",
        GuardedAction.SignOn => "signon",
        _ => "",
    };

    public async Task<CaptchaVerdict> VerifyAsync(Site site, string token, string? remoteIp, GuardedAction action, CancellationToken cancellationToken)
    {
        var policy = site.Captcha;
        if (token.Length > 10_000)
        {
            return CaptchaVerdict.Invalid;
        }

        if (policy.Provider == CaptchaProvider.Altcha)
        {
            return altcha.Check(site, token) is { } solved && await replays.TryUseAsync(solved.Digest, solved.ExpiresAt, cancellationToken)
                ? CaptchaVerdict.Valid
                : CaptchaVerdict.Invalid;
        }

        var url = string.IsNullOrEmpty(policy.VerifyUrl) ? CaptchaDefaults.VerifyUrl(policy.Provider) : policy.VerifyUrl;
        try
        {
            using var response = policy.Provider == CaptchaProvider.RecaptchaEnterprise
                ? await http.CreateClient(HttpClientName).PostAsJsonAsync(url,
                    new { @event = new { token, siteKey = policy.SiteKey, userIpAddress = remoteIp } }, cancellationToken)
                : await http.CreateClient(HttpClientName).PostAsync(url, SiteVerifyForm(policy, token, remoteIp), cancellationToken);
            if ((int)response.StatusCode is >= 400 and < 500)
            {
                // The provider refused the request itself (bad secret, bad URL): a configuration error, never a pass.
                LogRefused(logger, policy.Provider, (int)response.StatusCode);
                return CaptchaVerdict.Invalid;
            }

            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(logger, policy.Provider, $"HTTP {(int)response.StatusCode}");
                return CaptchaVerdict.Unavailable;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return Judge(policy, json.RootElement) && ForThisUse(policy, json.RootElement, action) ? CaptchaVerdict.Valid : CaptchaVerdict.Invalid;
        }
        catch (HttpRequestException e) when (e.InnerException is Outbound.DestinationNotAllowedException refused)
        {
            LogNotPublic(logger, policy.Provider, refused.Host);
            return CaptchaVerdict.Invalid;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException
                                       or System.Security.Cryptography.CryptographicException or FormatException &&
                                  !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, policy.Provider, e.GetType().Name);
            return CaptchaVerdict.Unavailable;
        }
    }

    private FormUrlEncodedContent SiteVerifyForm(CaptchaPolicy policy, string token, string? remoteIp)
    {
        var fields = new Dictionary<string, string> { ["secret"] = secrets.Open(policy) ?? "", ["response"] = token };
        if (remoteIp is not null)
        {
            fields["remoteip"] = remoteIp;
        }

        if (policy.Provider == CaptchaProvider.HCaptcha && policy.SiteKey is { Length: > 0 } siteKey)
        {
            fields["sitekey"] = siteKey;
        }

        return new FormUrlEncodedContent(fields);
    }

    private static bool Judge(CaptchaPolicy policy, JsonElement body)
    {
        if (policy.Provider == CaptchaProvider.RecaptchaEnterprise)
        {
            return body.TryGetProperty("tokenProperties", out var properties) && properties.TryGetProperty("valid", out var valid) &&
                   valid.ValueKind == JsonValueKind.True &&
                   (!body.TryGetProperty("riskAnalysis", out var risk) || !risk.TryGetProperty("score", out var score) ||
                    (score.ValueKind == JsonValueKind.Number && score.GetDouble() >= policy.MinScore));
        }

        var success = body.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.True;
        // reCAPTCHA v3 (and hCaptcha Enterprise) add a score: below the site's minimum is a failure.
        var scored = !body.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number || s.GetDouble() >= policy.MinScore;
        return success && scored;
    }

    /// <summary>The action, host and age the answer reports, where it reports them (Enterprise under <c>tokenProperties</c>).</summary>
    private bool ForThisUse(CaptchaPolicy policy, JsonElement body, GuardedAction action)
    {
        var details = policy.Provider == CaptchaProvider.RecaptchaEnterprise && body.TryGetProperty("tokenProperties", out var properties) ? properties : body;
        var reportedAction = Text(details, "action");
        if (!string.IsNullOrEmpty(reportedAction) && !string.Equals(reportedAction, ActionName(action), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hostnames = policy.HostnameList;
        if (hostnames.Count > 0 && (Text(details, "hostname") is not { } host || !hostnames.Contains(host.ToLowerInvariant())))
        {
            return false;
        }

        var solvedAt = Text(details, policy.Provider == CaptchaProvider.RecaptchaEnterprise ? "createTime" : "challenge_ts");
        if (solvedAt is null)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        return DateTimeOffset.TryParse(solvedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) &&
               at > now - MaxAge && at < now + TimeSpan.FromMinutes(1);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "The {Provider} CAPTCHA verify URL's host {Host} leads to no public address; check the site's verify URL or Latchkey:Outbound:AllowedNetworks.")]
    private static partial void LogNotPublic(ILogger logger, CaptchaProvider provider, string host);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "The {Provider} CAPTCHA provider refused the verify request with HTTP {Status}; check the site's secret and verify URL.")]
    private static partial void LogRefused(ILogger logger, CaptchaProvider provider, int status);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "The {Provider} CAPTCHA provider could not be asked ({Reason}).")]
    private static partial void LogUnavailable(ILogger logger, CaptchaProvider provider, string reason);
}

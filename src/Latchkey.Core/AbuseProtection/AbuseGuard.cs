using Latchkey.Core.Errors;
using Latchkey.Core.Observability;
using Latchkey.Core.Sites;
using Latchkey.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.AbuseProtection;

/// <summary>What one guarded request is: the action, whose account (normalised email, when known) and from where.</summary>
public sealed record GuardedRequest(Site Site, GuardedAction Action, string? Account, string? RemoteIp, IReadOnlyList<CaptchaToken> CaptchaTokens);

/// <summary>
/// Abuse protection in front of every guarded flow (decisions §6), in this order: the per-IP and per-site rates
/// (cheapest first, before any hashing), the site's CAPTCHA (always, or in risk mode after failures on the account
/// or from the IP), then the account rule: after too many failures an account is slowed down for the rest of its
/// window (a request that solved a CAPTCHA gets a ten times larger budget). Nothing is permanent: every counter lives one window, and a
/// success resets the account. The rightful owner is never locked out for good.
/// </summary>
public sealed class AbuseGuard(IThrottleStore counters, ICaptchaVerifier captcha, TokenHasher hasher, IOptions<ThrottleOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ThrottleOptions _options = options.Value;

    private TimeSpan AccountWindow => TimeSpan.FromMinutes(Math.Max(1, _options.AccountWindowMinutes));

    /// <summary>
    /// The account this request's check found without failures (the guard lives one request): its success has no
    /// counter to reset, which spares every ordinary login a write. A failure recorded by a concurrent request in
    /// between is then kept, which only errs towards caution.
    /// </summary>
    private string? _accountWithoutFailures;

    public async Task<Result<GuardPass>> CheckAsync(GuardedRequest request, CancellationToken cancellationToken)
    {
        using var activity = LatchkeyMetrics.StartStep("abuse_guard");
        var (result, decision) = await DecideAsync(request, cancellationToken);
        LatchkeyMetrics.RecordThrottleDecision(OutcomeTags.Of(request.Action), activity.Tag(decision));
        return result;
    }

    /// <summary>The verdict and its name for the <c>latchkey.throttle.decisions</c> counter (docs/observability.md).</summary>
    private async Task<(Result<GuardPass> Result, string Decision)> DecideAsync(GuardedRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ip = request.RemoteIp ?? "unknown";
        if (await RateAsync(Key("ip", request.Action, ip), _options.PerIpPerMinute.For(request.Action), now, cancellationToken) is { } ipRate)
        {
            return (ipRate, "ip_rate_limited");
        }

        if (await RateAsync(Key("site", request.Action, request.Site.Id.ToString()), _options.PerSitePerMinute.For(request.Action), now, cancellationToken) is { } siteRate)
        {
            return (siteRate, "site_rate_limited");
        }

        var (accountStart, _) = FixedWindow.Of(now, AccountWindow);
        var accountKey = request.Account is null ? null : AccountKey(request);
        var accountFailures = accountKey is null ? 0 : await counters.CountAsync(accountKey, accountStart, cancellationToken);
        _accountWithoutFailures = accountFailures == 0 ? accountKey : null;
        var policy = request.Site.Captcha;
        // The address's failures matter only to risk mode: no read for them otherwise.
        var captchaRequired = policy.Covers(request.Action) &&
            (policy.Mode == CaptchaMode.Always || accountFailures >= policy.RiskAfterFailures ||
             await counters.CountAsync(IpFailureKey(request, ip), accountStart, cancellationToken) >= policy.RiskAfterFailures);
        var solved = false;
        if (captchaRequired)
        {
            var verdict = await VerifyCaptchaAsync(request, policy, cancellationToken);
            if (!verdict.IsSuccess)
            {
                return (verdict.Error!, OutcomeTags.Of(verdict.Error!));
            }

            solved = true;
        }

        // An attacker can keep an account's failure count up; a solved CAPTCHA is what lets the owner through anyway,
        // so it buys a ten times larger budget (an attacker solving CAPTCHAs at that rate still hits the wall).
        var budget = _options.AccountFailuresBeforeThrottle * (solved ? 10L : 1L);
        if (request.Account is not null && budget > 0 && accountFailures >= budget)
        {
            return (Throttled(accountStart + AccountWindow - now, "Too many failed attempts on this account; wait, or solve the CAPTCHA."), "account_throttled");
        }

        return (new GuardPass(solved), solved ? "allowed_after_captcha" : "allowed");
    }

    /// <summary>
    /// After a login (API or hosted page): a wrong password or unknown email counts as a failure (alike, so the
    /// counters do not tell them apart); only a finished sign-in resets the account, not a right password that still
    /// owes a second factor or a code.
    /// </summary>
    public Task RecordLoginAsync(GuardedRequest request, Result<Features.AuthOutcome> outcome, CancellationToken cancellationToken)
    {
        var failed = outcome.Error?.Code is "invalid_credentials" or "member_not_found";
        return failed || outcome.Value?.State == Flows.StateType.Success
            ? RecordAsync(request, failed, cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>After the flow: failures count against the account and the IP; a success resets the account.</summary>
    public async Task RecordAsync(GuardedRequest request, bool failed, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (start, end) = FixedWindow.Of(now, AccountWindow);
        if (!failed)
        {
            if (request.Account is not null && AccountKey(request) is var key && key != _accountWithoutFailures)
            {
                await counters.ResetAsync(key, cancellationToken);
            }

            return;
        }

        if (request.Account is not null)
        {
            await counters.HitAsync(AccountKey(request), start, end, cancellationToken);
        }

        await counters.HitAsync(IpFailureKey(request, request.RemoteIp ?? "unknown"), start, end, cancellationToken);
    }

    private async Task<Result<bool>> VerifyCaptchaAsync(GuardedRequest request, CaptchaPolicy policy, CancellationToken cancellationToken)
    {
        // Two at most (the SDK sends a visible and an invisible reCAPTCHA token): one request must not fan out
        // into dozens of provider calls.
        var tokens = request.CaptchaTokens.Where(t => t.IsFor(policy.Provider) && t.Value.Length > 0).Take(2).ToList();
        if (tokens.Count == 0)
        {
            return LatchkeyErrors.CaptchaMissing.WithDetail(
                $"This site asks for a {policy.Provider} CAPTCHA token in captchaTokens for this request.");
        }

        var unavailable = false;
        foreach (var token in tokens)
        {
            switch (await captcha.VerifyAsync(request.Site, token.Value, request.RemoteIp, cancellationToken))
            {
                case CaptchaVerdict.Valid:
                    return true;
                case CaptchaVerdict.Unavailable:
                    unavailable = true;
                    break;
            }
        }

        if (unavailable && policy.FailOpen)
        {
            return true;
        }

        return unavailable
            ? LatchkeyErrors.CaptchaUnavailable with { RetryAfterSeconds = 5 }
            : LatchkeyErrors.CaptchaInvalid;
    }

    private async Task<LatchkeyError?> RateAsync(string key, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return null;
        }

        var (start, end) = FixedWindow.Of(now, Minute);
        var count = await counters.HitAsync(key, start, end, cancellationToken);
        return count > limit ? Throttled(end - now, "Too many requests; retry after the time in Retry-After.") : null;
    }

    private static LatchkeyError Throttled(TimeSpan wait, string detail) =>
        LatchkeyErrors.RateLimited.WithDetail(detail) with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) };

    private string AccountKey(GuardedRequest request) => Digest($"acct|{request.Site.Id}|{request.Account}");

    private string IpFailureKey(GuardedRequest request, string ip) => Digest($"ipfail|{request.Site.Id}|{ip}");

    private string Key(string scope, GuardedAction action, string subject) => Digest($"{scope}|{action}|{subject}");

    private string Digest(string key) => FixedWindow.Key(hasher, key);
}

/// <summary>Fixed counting windows and counter keys, shared by the guard and the quiet quota.</summary>
public static class FixedWindow
{
    public static (DateTimeOffset Start, DateTimeOffset End) Of(DateTimeOffset now, TimeSpan length)
    {
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length.Ticks), TimeSpan.Zero);
        return (start, start + length);
    }

    /// <summary>Counter keys are HMAC digests: the table never holds an email or an address in clear.</summary>
    public static string Key(TokenHasher hasher, string key) => Convert.ToBase64String(hasher.Hash(key));
}

/// <summary>The guard let the request through; <see cref="SolvedCaptcha"/> says whether a CAPTCHA was checked.</summary>
public sealed record GuardPass(bool SolvedCaptcha);

using Latchkey.Core.Errors;
using Latchkey.Core.Observability;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.AbuseProtection;
/// <summary>
/// Abuse protection in front of every guarded flow (docs/abuse-protection.md#the-guard, issue #21), in this order: the
/// per-IP rate (cheapest first, before any hashing), the per-site rate, then the site's CAPTCHA and the account rule.
/// Failures lead to a challenge, never to a lockout: a CAPTCHA is asked for always (mode <c>always</c>), in risk mode
/// after failures on the account or from the IP, and whenever the site is over its per-site allowance or the account
/// over its failure budget; a request with a solved CAPTCHA always reaches the password check. Only a site that turned
/// its CAPTCHA off (or left the action out of it) gets the old answer over those limits: 429 until the window ends.
/// Nothing is permanent: every counter lives one window, and a success or a completed recovery resets the account.
/// </summary>
public sealed class AbuseGuard(IThrottleStore counters, ICaptchaVerifier captcha, TokenHasher hasher, IOptions<ThrottleOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Over the per-site allowance, requests with a solved CAPTCHA still pass, up to this many times the allowance.</summary>
    public const int SiteCeilingWithCaptcha = 10;

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

    /// <summary>
    /// Whether the next request like this one would be asked for a CAPTCHA, read without counting anything: the hosted
    /// pages show the widget in risk mode only then.
    /// </summary>
    public async Task<bool> WouldAskForCaptchaAsync(GuardedRequest request, CancellationToken cancellationToken)
    {
        var policy = request.Site.Captcha;
        if (!policy.Covers(request.Action))
        {
            return false;
        }

        if (policy.Mode == CaptchaMode.Always)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        var (accountStart, _) = FixedWindow.Of(now, AccountWindow);
        var (minute, _) = FixedWindow.Of(now, Minute);
        var siteLimit = _options.PerSitePerMinute.For(request.Action);
        var accountFailures = request.Account is null ? 0 : await counters.CountAsync(AccountKey(request), accountStart, cancellationToken);
        var budget = _options.AccountFailuresBeforeThrottle;
        return accountFailures >= policy.RiskAfterFailures || (budget > 0 && accountFailures >= budget) ||
               await counters.CountAsync(IpFailureKey(request, request.RemoteIp ?? "unknown"), accountStart, cancellationToken) >= policy.RiskAfterFailures ||
               (siteLimit > 0 && await counters.CountAsync(Key("site", request.Action, request.Site.Id.ToString()), minute, cancellationToken) >= siteLimit);
    }

    /// <summary>
    /// Whether <paramref name="error"/> is one of the guard's refusals (a rate, a CAPTCHA) rather than the step's own
    /// answer: a hosted page shows a refusal on its own form, with its status, whichever step ran the guard.
    /// </summary>
    public static bool Refused(LatchkeyError error) =>
        error.IsAny(LatchkeyErrors.RateLimited, LatchkeyErrors.CaptchaMissing, LatchkeyErrors.CaptchaInvalid, LatchkeyErrors.CaptchaUnavailable);

    /// <summary>Forgets the account's failures: its owner completed a password recovery (issue #21).</summary>
    public Task ClearAccountAsync(Sites.Site site, string normalizedEmail, CancellationToken cancellationToken) =>
        counters.ResetAsync(Digest($"acct|{site.Id}|{normalizedEmail}"), cancellationToken);

    /// <summary>The verdict and its name for the <c>latchkey.throttle.decisions</c> counter (docs/observability.md).</summary>
    private async Task<(Result<GuardPass> Result, string Decision)> DecideAsync(GuardedRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ip = request.RemoteIp ?? "unknown";
        var policy = request.Site.Captcha;
        var canChallenge = policy.Covers(request.Action);
        if (await RateAsync(Key("ip", request.Action, ip), _options.PerIpPerMinute.For(request.Action), now, cancellationToken) is { } ipRate)
        {
            return (Throttled(ipRate, "Too many requests; retry after the time in Retry-After."), "ip_rate_limited");
        }

        // Over the per-site allowance a site that can challenge asks for a CAPTCHA instead of refusing everyone: one
        // attacker spending the site's allowance must not lock every member out. Far beyond it, it refuses all the same.
        var siteLimit = _options.PerSitePerMinute.For(request.Action);
        var siteCount = await HitAsync(Key("site", request.Action, request.Site.Id.ToString()), siteLimit, now, cancellationToken);
        var overSite = siteLimit > 0 && siteCount > siteLimit;
        if (overSite && (!canChallenge || siteCount > (long)siteLimit * SiteCeilingWithCaptcha))
        {
            return (Throttled(FixedWindow.Of(now, Minute).End - now, "Too many requests; retry after the time in Retry-After."), "site_rate_limited");
        }

        var (accountStart, _) = FixedWindow.Of(now, AccountWindow);
        var accountKey = request.Account is null ? null : AccountKey(request);
        var accountFailures = accountKey is null ? 0 : await counters.CountAsync(accountKey, accountStart, cancellationToken);
        _accountWithoutFailures = accountFailures == 0 ? accountKey : null;
        var overBudget = accountKey is not null && _options.AccountFailuresBeforeThrottle > 0 && accountFailures >= _options.AccountFailuresBeforeThrottle;
        if (overBudget && !canChallenge)
        {
            // The site turned its CAPTCHA off for this action: the account is slowed down for the rest of its window.
            return (Throttled(accountStart + AccountWindow - now, "Too many failed attempts on this account; wait."), "account_throttled");
        }

        // The address's failures matter only to risk mode: no read for them otherwise.
        var captchaRequired = canChallenge &&
            (policy.Mode == CaptchaMode.Always || overSite || overBudget || accountFailures >= policy.RiskAfterFailures ||
             await counters.CountAsync(IpFailureKey(request, ip), accountStart, cancellationToken) >= policy.RiskAfterFailures);
        if (!captchaRequired)
        {
            return (new GuardPass(false), "allowed");
        }

        // A solved CAPTCHA is what lets the owner through an attack on the account: it always reaches the password check.
        var verdict = await VerifyCaptchaAsync(request, policy, cancellationToken);
        return verdict.IsSuccess
            ? (new GuardPass(true), "allowed_after_captcha")
            : (verdict.Error, OutcomeTags.Of(verdict.Error));
    }

    /// <summary>
    /// After a login (API or hosted page): a wrong password or unknown email counts as a failure (alike, so the
    /// counters do not tell them apart); only a finished sign-in resets the account, not a right password that still
    /// owes a second factor or a code.
    /// </summary>
    public Task RecordLoginAsync(GuardedRequest request, Result<Features.AuthOutcome> outcome, CancellationToken cancellationToken)
    {
        var failed = outcome.Error?.IsAny(LatchkeyErrors.InvalidCredentials, LatchkeyErrors.MemberNotFound) == true;
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
            switch (await captcha.VerifyAsync(request.Site, token.Value, request.RemoteIp, request.Action, cancellationToken))
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

    /// <summary>Counts a request against a per-minute allowance; the wait until the window ends when it is over the limit.</summary>
    private async Task<TimeSpan?> RateAsync(string key, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = await HitAsync(key, limit, now, cancellationToken);
        return limit > 0 && count > limit ? FixedWindow.Of(now, Minute).End - now : null;
    }

    private async Task<long> HitAsync(string key, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return 0;
        }

        var (start, end) = FixedWindow.Of(now, Minute);
        return await counters.HitAsync(key, start, end, cancellationToken);
    }

    private static LatchkeyError Throttled(TimeSpan wait, string detail) =>
        LatchkeyErrors.RateLimited.WithDetail(detail) with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) };

    private string AccountKey(GuardedRequest request) => Digest($"acct|{request.Site.Id}|{request.Account}");

    private string IpFailureKey(GuardedRequest request, string ip) => Digest($"ipfail|{request.Site.Id}|{ip}");

    private string Key(string scope, GuardedAction action, string subject) => Digest($"{scope}|{action}|{subject}");

    private string Digest(string key) => FixedWindow.Key(hasher, key);
}
/// <summary>The guard let the request through; <see cref="SolvedCaptcha"/> says whether a CAPTCHA was checked.</summary>
public sealed record GuardPass(bool SolvedCaptcha);

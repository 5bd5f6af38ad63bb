using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Latchkey.Core.Observability;

/// <summary>
/// Latchkey's own instruments: one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <c>Latchkey</c> (docs/observability.md lists every name, unit and tag). Only System.Diagnostics types, so Core
/// stays free of OpenTelemetry; the server subscribes to the name and exports. The instruments are process-wide, as
/// the runtime's own are: every tag is a small closed set (an outcome, an action, a grant type), never an email, an
/// id or an address.
/// </summary>
public static class LatchkeyMetrics
{
    public const string Name = "Latchkey";

    private static readonly Meter Meter = new(Name, typeof(LatchkeyMetrics).Assembly.GetName().Version?.ToString(3));

    /// <summary>Spans around the Core steps and password hashing; a parent span (the HTTP request) links them.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(LatchkeyMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly IReadOnlyList<double> HashWaitBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly IReadOnlyList<double> HashDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2.5, 5];

    /// <summary>Login V2 (API and hosted page), by <c>outcome</c>: a state (<c>success</c>, <c>require_mfa</c> …) or an error code.</summary>
    public static readonly Counter<long> Logins =
        Meter.CreateCounter<long>("latchkey.logins", "{login}", "Password logins by outcome.");

    /// <summary>Register V2 (API and hosted page), by <c>outcome</c>.</summary>
    public static readonly Counter<long> Registrations =
        Meter.CreateCounter<long>("latchkey.registrations", "{registration}", "Registrations by outcome.");

    /// <summary>Second-factor checks that finish a REQUIRE_MFA login (API and hosted page), by <c>outcome</c>.</summary>
    public static readonly Counter<long> MfaVerifications =
        Meter.CreateCounter<long>("latchkey.mfa_verifications", "{verification}", "Second-factor checks by outcome.");

    /// <summary>Sign On by trusted backends, by <c>outcome</c>.</summary>
    public static readonly Counter<long> SignOns =
        Meter.CreateCounter<long>("latchkey.sign_ons", "{sign_on}", "Sign-ons by trusted backends, by outcome.");

    /// <summary>Social sign-ins back from the provider, by <c>provider</c> (its kind) and <c>outcome</c>.</summary>
    public static readonly Counter<long> SocialSignIns =
        Meter.CreateCounter<long>("latchkey.social_sign_ins", "{sign_in}", "Sign-ins through an identity provider, by provider kind and outcome.");

    /// <summary>OAuth tokens handed out at the token endpoint, by <c>grant_type</c> and <c>token_type</c>.</summary>
    public static readonly Counter<long> TokensIssued =
        Meter.CreateCounter<long>("latchkey.tokens.issued", "{token}", "OAuth tokens issued by the token endpoint, by grant type and token type.");

    /// <summary>Token requests answered without OpenIddict's request pipeline (ADR 0025), by <c>grant_type</c>.</summary>
    public static readonly Counter<long> TokenFastPath =
        Meter.CreateCounter<long>("latchkey.token.fast_path", "{request}", "Token requests served by the fast path, by grant type.");

    /// <summary>Token requests refused, by <c>grant_type</c> and the RFC 6749 <c>error</c>.</summary>
    public static readonly Counter<long> TokenErrors =
        Meter.CreateCounter<long>("latchkey.token.errors", "{request}", "Token endpoint requests answered with an error, by grant type and error.");

    /// <summary>Outbox delivery attempts, by <c>outcome</c> (<c>sent</c>, <c>retrying</c>, <c>abandoned</c>) and <c>transport</c>.</summary>
    public static readonly Counter<long> Emails =
        Meter.CreateCounter<long>("latchkey.emails", "{email}", "Outbox delivery attempts by outcome and transport.");

    /// <summary>Abuse-guard decisions, by <c>action</c> and <c>decision</c>.</summary>
    public static readonly Counter<long> ThrottleDecisions =
        Meter.CreateCounter<long>("latchkey.throttle.decisions", "{decision}", "Abuse protection decisions by guarded action and decision.");

    /// <summary>Time spent waiting for a hashing slot, by <c>outcome</c> (<c>acquired</c>, <c>queue_full</c>, <c>timed_out</c>).</summary>
    public static readonly Histogram<double> HashWait =
        Meter.CreateHistogram("latchkey.password_hashing.wait", "s", "Time spent waiting for a password hashing slot.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HashWaitBuckets });

    /// <summary>How long a hashing slot is held: one Argon2id hash or verification, without the wait.</summary>
    public static readonly Histogram<double> HashDuration =
        Meter.CreateHistogram("latchkey.password_hashing.duration", "s", "Time one Argon2id hash or verification takes, without the wait.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HashDurationBuckets });

    private static long _hashQueued;
    private static long _hashActive;

    /// <summary>Callers queued for a hashing slot now: the queue depth, read at each collection (0 when idle).</summary>
    public static readonly ObservableGauge<long> HashQueued =
        Meter.CreateObservableGauge("latchkey.password_hashing.queued", () => Interlocked.Read(ref _hashQueued), "{request}", "Requests waiting for a password hashing slot.");

    /// <summary>Hashes running now (at most <c>Latchkey:Hashing:MaxConcurrency</c>).</summary>
    public static readonly ObservableGauge<long> HashActive =
        Meter.CreateObservableGauge("latchkey.password_hashing.active", () => Interlocked.Read(ref _hashActive), "{hash}", "Password hashes running.");

    /// <summary>
    /// Creates every instrument now. The fields are created when the class is first touched, which for a fresh server
    /// was its first login: until then a scrape had no Latchkey series at all, and the gauges were not the 0 they are.
    /// </summary>
    public static void EnsureCreated() => GC.KeepAlive(HashQueued);

    /// <summary>The gate reports a caller joining (+1) or leaving (-1) the queue.</summary>
    public static void HashQueueChanged(int delta) => Interlocked.Add(ref _hashQueued, delta);

    /// <summary>The gate reports a hash starting (+1) or ending (-1).</summary>
    public static void HashActiveChanged(int delta) => Interlocked.Add(ref _hashActive, delta);

    public static void RecordLogin(string outcome) => Logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordRegistration(string outcome) => Registrations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordMfaVerification(string outcome) => MfaVerifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordSocialSignIn(string provider, string outcome) =>
        SocialSignIns.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordSignOn(string outcome) => SignOns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RecordEmail(string outcome, string transport) =>
        Emails.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("transport", transport));

    public static void RecordThrottleDecision(string action, string decision) =>
        ThrottleDecisions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("decision", decision));

    /// <summary>Starts a span for a Core step (null when nobody listens, which costs nothing).</summary>
    public static Activity? StartStep(string step) => Source.StartActivity("latchkey." + step, ActivityKind.Internal);

    /// <summary>Tags a step's span with its outcome and hands the outcome back for the counter.</summary>
    public static string Tag(this Activity? activity, string outcome)
    {
        activity?.SetTag("latchkey.outcome", outcome);
        return outcome;
    }
}

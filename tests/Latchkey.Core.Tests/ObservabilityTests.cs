using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Verification;
using Latchkey.Core.Flows;
using Latchkey.Core.Observability;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// The <c>Latchkey</c> meter and activity source as a listener sees them (docs/observability.md). Other tests in this
/// process use the same instruments at the same time, so each test follows its own trace or asks for "at least".
/// </summary>
public class ObservabilityTests
{
    private static readonly ActivitySource TestSource = new("Latchkey.Tests.Observability");

    [Fact]
    public async Task A_login_is_one_span_with_its_outcome_and_a_hashing_span_inside()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is LatchkeyMetrics.Name or "Latchkey.Tests.Observability",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var logins = new ConcurrentQueue<string>();
        using var meters = Listen<long>("latchkey.logins", (_, tags) => logins.Enqueue(Tag(tags, "outcome")));

        string trace;
        using (var parent = TestSource.StartActivity("test"))
        {
            trace = parent!.TraceId.ToString();
            var result = await LogIn("nobody@example.com");
            Assert.Equal("invalid_credentials", result.Error!.Code);
        }

        List<Activity> mine;
        lock (stopped)
        {
            mine = [.. stopped.Where(a => a.TraceId.ToString() == trace)];
        }

        var login = Assert.Single(mine, a => a.OperationName == "latchkey.login");
        Assert.Equal("invalid_credentials", login.GetTagItem("latchkey.outcome"));
        var hashing = Assert.Single(mine, a => a.OperationName == "latchkey.password_hashing");
        Assert.Equal(login.SpanId, hashing.ParentSpanId);
        Assert.Equal("acquired", hashing.GetTagItem("latchkey.outcome"));
        Assert.Contains("invalid_credentials", logins);
    }

    [Fact]
    public async Task The_queue_depth_gauge_counts_callers_waiting_for_a_hashing_slot()
    {
        using var gate = new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = 1, QueueLimit = 4, MaxWait = TimeSpan.FromSeconds(30) }));
        var held = await gate.TryEnterAsync(CancellationToken.None);
        var waiting = gate.TryEnterAsync(CancellationToken.None).AsTask();
        long queued = 0, active = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LatchkeyMetrics.Name && instrument.Name.StartsWith("latchkey.password_hashing.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "latchkey.password_hashing.queued")
            {
                queued = value;
            }
            else if (instrument.Name == "latchkey.password_hashing.active")
            {
                active = value;
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.True(queued >= 1, $"queued {queued}");
        Assert.True(active >= 1, $"active {active}");
        held!.Dispose();
        (await waiting)!.Dispose();
    }

    [Fact]
    public async Task A_caller_turned_away_by_a_full_queue_is_measured_as_queue_full()
    {
        using var gate = new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = 1, QueueLimit = 0 }));
        var outcomes = new ConcurrentQueue<string>();
        using var listener = Listen<double>("latchkey.password_hashing.wait", (_, tags) => outcomes.Enqueue(Tag(tags, "outcome")));
        using var held = await gate.TryEnterAsync(CancellationToken.None);

        Assert.Null(await gate.TryEnterAsync(CancellationToken.None));

        Assert.Contains("queue_full", outcomes);
    }

    [Fact]
    public void Every_catalog_error_is_its_own_tag_and_anything_else_is_other()
    {
        foreach (var error in LatchkeyErrors.All)
        {
            Assert.Equal(error.Code, OutcomeTags.Of(error));
        }

        Assert.Equal("other", OutcomeTags.Of(new LatchkeyError("someone's_input", 400, "X", "X")));
        Assert.Equal("require_mfa", OutcomeTags.Of(StateType.RequireMfa));
        Assert.Equal("sign_on", OutcomeTags.Of(GuardedAction.SignOn));
        Assert.Equal("other", OutcomeTags.Of(GuardedAction.Login | GuardedAction.Register));
    }

    private static Task<Result<AuthOutcome>> LogIn(string email)
    {
        var stores = new InMemoryStores();
        var clock = new FakeTimeProvider();
        var tokens = TokenHasher.FromMasterKey(new byte[32]);
        var allowance = new Latchkey.Core.AbuseProtection.EmailCodeAllowance(stores, tokens, clock);
        var outcomes = new OutcomeIssuer(stores, stores, stores, tokens, new VerificationCodes(tokens, stores, allowance, clock), clock);
        var hasher = new PasswordHasher(new HashingGate(Options.Create(new HashingOptions())));
        var site = new Site { Id = Guid.CreateVersion7(), Name = "test", HashIterations = 1, HashMemoryKiB = 64 };
        var decoys = new Latchkey.Core.Features.Registration.DecoyRegistration(
            hasher, stores, stores, tokens, stores, new Latchkey.Core.AbuseProtection.QuietQuota(stores, tokens, clock), allowance, clock);
        var guard = new Latchkey.Core.AbuseProtection.AbuseGuard(
            stores, new AbuseGuardTests.NoCaptcha(), tokens, Options.Create(new Latchkey.Core.AbuseProtection.ThrottleOptions()), clock);
        return new LogInMember(stores, hasher, outcomes, decoys, guard, clock).HandleAsync(
            new(site, Latchkey.Core.AbuseProtection.GuardedAction.Login, email, null, []), new LoginInput(email, "not the password"), CancellationToken.None);
    }

    private static MeterListener Listen<T>(string name, Action<T, ReadOnlySpan<KeyValuePair<string, object?>>> measured)
        where T : struct
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LatchkeyMetrics.Name && instrument.Name == name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, tags, _) => measured(value, tags));
        listener.Start();
        return listener;
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString() ?? "";
            }
        }

        return "";
    }
}

using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>Tests that count password hashes through the process-wide meter run alone, so no other test's hash is counted.</summary>
[CollectionDefinition(nameof(HashCounting), DisableParallelization = true)]
public sealed class HashCounting;

/// <summary>
/// Threat: with enumerationSafeRegistration on, an attacker learns whether an email has an account in two requests.
/// Before issue #21, register(e, P) then login(e, P) answered 200 REQUIRE_EMAIL_VERIFICATION for a new email and 401
/// -19976 for a taken one. Now register followed by login, resend, recovery or another register answers alike for
/// both (status, state, error code, body shape, the identity id the registration showed) after the same number of
/// password hashes, and the real owner is emailed that someone tried to register.
/// </summary>
[Collection(nameof(HashCounting))]
public sealed class EnumerationTests : IAsyncLifetime
{
    private const string Owner = "owner@example.com";
    private const string AttackerPassword = "an attacker's passphrase";

    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;
    private readonly MeterListener _hashes = new();
    private long _hashCount;

    public EnumerationTests()
    {
        _app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));
        _hashes.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Latchkey" && instrument.Name == "latchkey.password_hashing.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _hashes.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _hashCount));
        _hashes.Start();
    }

    public async ValueTask InitializeAsync()
    {
        await _app.RequireEmailVerificationAsync(enumerationSafe: true);
        using var visitor = await _app.VisitorClientAsync();
        var stateToken = (await (await visitor.RegisterAsync(Owner)).JsonAsync()).GetProperty("stateToken").GetString();
        var code = Attack.CodeIn(await _mail.NextBodyAsync(Owner));
        (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _hashes.Dispose();
        await _app.DisposeAsync();
        _mail.Dispose();
    }

    /// <summary>What an observer sees of one answer.</summary>
    private sealed record Seen(int Status, string? State, string? Code, string Shape, long Hashes, bool SameIdentity);

    [Theory]
    [InlineData("login")]
    [InlineData("resend")]
    [InlineData("recover")]
    [InlineData("register")]
    public async Task Register_then_the_next_step_looks_the_same_for_a_new_and_a_taken_email(string next)
    {
        var fresh = await SequenceAsync($"new-{next}@example.com", next);
        var taken = await SequenceAsync(Owner, next);

        Assert.Equal(fresh, taken);
        // After "recover" the owner also gets the reset email, and the mailbox does not keep arrival order.
        List<string> bodies = [await _mail.NextBodyAsync(Owner)];
        if (next == "recover")
        {
            bodies.Add(await _mail.NextBodyAsync(Owner));
        }

        Assert.Contains(bodies, body => body.Contains("Someone tried to create an account", StringComparison.Ordinal));
    }

    private async Task<Seen[]> SequenceAsync(string email, string next)
    {
        using var visitor = await _app.VisitorClientAsync();
        var (registered, registration) = await ObserveAsync(() => visitor.RegisterAsync(email, AttackerPassword), null);
        var identity = registration.TryGetProperty("identity", out var id) ? id.GetProperty("id").GetString() : null;
        var stateToken = registration.TryGetProperty("stateToken", out var token) ? token.GetString() : null;
        var (second, _) = next switch
        {
            "login" => await ObserveAsync(() => visitor.LoginAsync(email, AttackerPassword), identity),
            "resend" => await ObserveAsync(() =>
            {
                _app.Clock.Advance(TimeSpan.FromSeconds(31));
                return visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/resend", new { stateToken });
            }, identity),
            "recover" => await ObserveAsync(() => visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email }), identity),
            _ => await ObserveAsync(() => visitor.RegisterAsync(email, AttackerPassword), identity),
        };
        return [registered, second];
    }

    private async Task<(Seen Seen, JsonElement Body)> ObserveAsync(Func<Task<HttpResponseMessage>> send, string? identity)
    {
        var before = Interlocked.Read(ref _hashCount);
        var response = await send();
        var hashes = Interlocked.Read(ref _hashCount) - before;
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
        string? Text(string name) => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var sameIdentity = identity is not null && body.TryGetProperty("identity", out var id) && id.GetProperty("id").GetString() == identity;
        return (new Seen((int)response.StatusCode, Text("state"), Text("code"), string.Join(" ", Attack.Shape(body).Order()), hashes, sameIdentity), body);
    }
}

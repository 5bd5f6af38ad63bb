using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

public class AbuseGuardTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingThrottle _counters = new();
    private readonly Site _site = new() { Id = Guid.CreateVersion7(), Name = "test" };

    /// <summary>One guard per request, as the server's scope gives it.</summary>
    private AbuseGuard NewGuard() =>
        new(_counters, new NoCaptcha(), TokenHasher.FromMasterKey(new byte[32]), Options.Create(new ThrottleOptions()), _clock);

    private GuardedRequest Login() => new(_site, GuardedAction.Login, "ann@example.com", "192.0.2.1", []);

    [Fact]
    public async Task A_success_without_earlier_failures_writes_no_reset_and_one_after_failures_does()
    {
        var clean = NewGuard();
        Assert.True((await clean.CheckAsync(Login(), CancellationToken.None)).IsSuccess);
        await clean.RecordAsync(Login(), failed: false, CancellationToken.None);
        Assert.Equal(0, _counters.Resets);

        var failing = NewGuard();
        await failing.CheckAsync(Login(), CancellationToken.None);
        await failing.RecordAsync(Login(), failed: true, CancellationToken.None);
        var owner = NewGuard();
        Assert.True((await owner.CheckAsync(Login(), CancellationToken.None)).IsSuccess);
        await owner.RecordAsync(Login(), failed: false, CancellationToken.None);

        Assert.Equal(1, _counters.Resets);
    }

    private sealed class RecordingThrottle : IThrottleStore
    {
        private readonly Dictionary<string, long> _counts = [];

        public int Resets { get; private set; }

        public Task<long> HitAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            Task.FromResult(_counts[key] = _counts.GetValueOrDefault(key) + 1);

        public Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken) => Task.FromResult(_counts.GetValueOrDefault(key));

        public Task ResetAsync(string key, CancellationToken cancellationToken)
        {
            Resets++;
            _counts.Remove(key);
            return Task.CompletedTask;
        }

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);
    }

    internal sealed class NoCaptcha : ICaptchaVerifier
    {
        public Task<CaptchaVerdict> VerifyAsync(Site site, string token, string? remoteIp, GuardedAction action, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No CAPTCHA is configured.");
    }
}

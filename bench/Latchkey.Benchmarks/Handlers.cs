using BenchmarkDotNet.Attributes;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Storage;
using Latchkey.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Benchmarks;

/// <summary>
/// The register and login steps in-process on a real SQLite file (WAL), default Argon2id parameters: the whole cost
/// of a flow without HTTP. Compare with <see cref="PasswordHashing"/> to see what is not the hash.
/// </summary>
[MemoryDiagnoser]
public class Handlers
{
    private string _directory = "";
    private ServiceProvider _services = null!;
    private Site _site = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("latchkey-bench-").FullName;
        var services = new ServiceCollection();
        services.AddDbContext<LatchkeyDbContext>(o => SqliteStorage.Configure(o, SqliteStorage.ConnectionStringFor(_directory)));
        services.AddLatchkeyStores();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TokenHasher.FromMasterKey(new byte[32]));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new HashingOptions()));
        services.AddSingleton<HashingGate>();
        services.AddSingleton<PasswordHasher>();
        services.AddScoped<OutcomeIssuer>();
        services.AddScoped<Latchkey.Core.Features.Verification.VerificationCodes>();
        services.AddSingleton(new Latchkey.Core.Crypto.Sealer(new byte[32]));
        services.AddSingleton<Latchkey.Core.Messaging.OutboxSignal>();
        services.AddScoped<Latchkey.Core.Messaging.IEmailOutbox, Latchkey.Core.Messaging.SealedOutbox>();
        // The steps run their guard (rates per address and site, as the server does); no CAPTCHA is configured.
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ThrottleOptions()));
        services.AddSingleton<ICaptchaVerifier, NoCaptcha>();
        services.AddScoped<AbuseGuard>();
        services.AddScoped<RegisterMember>();
        services.AddScoped<LogInMember>();
        _services = services.BuildServiceProvider();

        using var scope = _services.CreateScope();
        SqliteStorage.MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), CancellationToken.None).Wait();
        _site = new Site { Id = Guid.CreateVersion7(), Name = "bench", CreatedAt = TimeProvider.System.GetUtcNow() };
        scope.ServiceProvider.GetRequiredService<ISiteStore>().AddAsync(_site, CancellationToken.None).Wait();
        Register("login@example.com");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public bool RegisterNewMember() => Register($"member-{Interlocked.Increment(ref _next)}@example.com");

    [Benchmark]
    public bool LogIn()
    {
        using var scope = _services.CreateScope();
        var step = scope.ServiceProvider.GetRequiredService<LogInMember>();
        var request = new GuardedRequest(_site, GuardedAction.Login, "login@example.com", "192.0.2.1", []);
        return step.HandleAsync(request, new LoginInput("login@example.com", "correct horse battery"), CancellationToken.None).Result.IsSuccess;
    }

    private bool Register(string email)
    {
        using var scope = _services.CreateScope();
        var step = scope.ServiceProvider.GetRequiredService<RegisterMember>();
        var request = new GuardedRequest(_site, GuardedAction.Register, null, "192.0.2.1", []);
        return step.HandleAsync(request, new RegisterInput(email, "correct horse battery", null), CancellationToken.None).Result.IsSuccess;
    }
}

/// <summary>No CAPTCHA provider: the bench site never asks for one (a success never counts as a failure).</summary>
internal sealed class NoCaptcha : ICaptchaVerifier
{
    public Task<CaptchaVerdict> VerifyAsync(Site site, string token, string? remoteIp, GuardedAction action, CancellationToken cancellationToken) =>
        Task.FromResult(CaptchaVerdict.Invalid);
}

using Latchkey.Server.Configuration;
using Latchkey.Server.Observability;
using Latchkey.Storage;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Checks the signing keys every <c>Latchkey:SigningKeys:CheckSeconds</c>: creates the next key when the current
/// one's period is over, picks up keys another node created, and switches to a new key once its propagation delay is
/// over. When the set or the signer changes, OpenIddict's server and validation options are rebuilt (through
/// <see cref="KeyChangeSource{TOptions}"/>), so requests in flight keep the old set and new ones see the new set.
/// </summary>
public sealed partial class SigningKeyRotation(
    IServiceScopeFactory scopes, SigningKeyRing ring, IOptions<LatchkeyOptions> options, ILogger<SigningKeyRotation> logger)
    : BackgroundService
{
    /// <summary>One check; the scheduled loop and the tests call it.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
        if (await ring.EnsureKeyAsync(db, cancellationToken))
        {
            LogRotated(logger);
        }

        return await ring.RefreshAsync(db, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schedule runs on wall-clock time; the keys' ages are judged by the injected clock in the ring.
        using var timer = new PeriodicTimer(options.Value.SigningKeys.CheckInterval, TimeProvider.System);
        var outage = new OutageLog(logger, "signing-key check");
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                outage.Succeeded();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again and the loaded keys keep working; an outage is logged once.
                if (!outage.Failed(e))
                {
                    LogFailed(logger, e);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "A new signing key was created; the previous one stays published until its tokens expire.")]
    private static partial void LogRotated(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Checking the signing keys failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Tells the options system to rebuild <typeparamref name="TOptions"/> when the key ring changes.</summary>
public sealed class KeyChangeSource<TOptions>(Func<Microsoft.Extensions.Primitives.IChangeToken> changes) : IOptionsChangeTokenSource<TOptions>
{
    public string Name => Options.DefaultName;

    public Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => changes();
}

public static class SigningKeyRotationRegistration
{
    public static IServiceCollection AddSigningKeyRotation(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeyRotation>();
        services.AddHostedService(sp => sp.GetRequiredService<SigningKeyRotation>());
        services.AddSingleton<ExpiredTokenCleanup>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpiredTokenCleanup>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp =>
            new KeyChangeSource<OpenIddictServerOptions>(sp.GetRequiredService<SigningKeyRing>().GetServerChangeToken));
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictValidationOptions>>(sp =>
            new KeyChangeSource<OpenIddictValidationOptions>(sp.GetRequiredService<SigningKeyRing>().GetValidationChangeToken));
        return services;
    }
}

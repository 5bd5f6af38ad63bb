using Latchkey.Core.Storage;
using OpenIddict.Abstractions;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Keeps the token tables to what is live, every 30 minutes on each node (the deletes are idempotent, so nodes need
/// not agree on who runs them). Session tokens are deleted once expired: they live minutes, and a used or expired
/// one is refused by every read already. OpenIddict's tokens and authorizations go through its own
/// <c>PruneAsync</c> once <see cref="OpenIddictRetention"/> has passed since they expired or stopped being valid:
/// a redeemed refresh token is kept that long so that its reuse is still recognised and revokes its family
/// (docs/tokens.md#the-tokens), as OpenIddict's Quartz integration does by default.
/// </summary>
public sealed partial class ExpiredTokenCleanup(
    IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<Email.EmailOptions> email, TimeProvider clock, ILogger<ExpiredTokenCleanup> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    /// <summary>OpenIddict's default minimum lifespan for pruning.</summary>
    public static readonly TimeSpan OpenIddictRetention = TimeSpan.FromDays(14);

    /// <summary>One pass; answers the rows deleted (session tokens, OpenIddict tokens, authorizations).</summary>
    public async Task<(int SessionTokens, long Tokens, long Authorizations)> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var now = clock.GetUtcNow();
        var sessionTokens = await services.GetRequiredService<ISessionTokenStore>().PurgeExpiredAsync(now, cancellationToken);
        var tokens = await services.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(now - OpenIddictRetention, cancellationToken);
        var authorizations = await services.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(now - OpenIddictRetention, cancellationToken);
        // Sent mail keeps no body, and after the retention period no row either (issue #21); counts of wrong codes that
        // nobody touched for a month go too (a paused one stays until its pause ends).
        await services.GetRequiredService<Core.Storage.IOutboxStore>().PurgeAsync(now - TimeSpan.FromDays(Math.Max(0, email.Value.SentRetentionDays)), cancellationToken);
        await services.GetRequiredService<Core.Storage.IGuessStore>().PurgeAsync(now - TimeSpan.FromDays(30), now, cancellationToken);
        LogPruned(logger, sessionTokens, tokens, authorizations);
        return (sessionTokens, tokens, authorizations);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Expired rows deleted: {SessionRows} session-token rows, {OpenIddictRows} OpenIddict token rows, {GrantRows} authorization rows.")]
    private static partial void LogPruned(ILogger logger, int sessionRows, long openIddictRows, long grantRows);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Deleting expired tokens failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using System.Text.Json;
using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.OAuth;
using Latchkey.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>What the first start created (decisions §1), as written to <c>&lt;data dir&gt;/bootstrap.json</c>.</summary>
public sealed record BootstrapValues(string SiteId, string ClientId, string ApiKey);

/// <summary>
/// Runs before the server listens, and as the <c>migrate</c> command: prepares the database (<see cref="StorageSetup"/>),
/// makes sure a signing key exists and, on an empty database, creates the default site, its Wix-SDK client and an
/// admin API key, prints them once and writes bootstrap.json. On PostgreSQL <c>migrate</c> runs first, so nodes that
/// start together never race to create the first site.
/// </summary>
public sealed partial class Bootstrapper(
    IServiceProvider services, IOptions<LatchkeyOptions> options, TokenHasher tokenHasher, SigningKeyRing keyRing,
    TimeProvider clock, ILogger<Bootstrapper> logger)
{
    // announce: print the created values on the console (the server); the CLI prints them itself.
    public async Task<BootstrapValues?> RunAsync(bool migrate, CancellationToken cancellationToken, bool announce = true)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
        if (migrate)
        {
            await StorageSetup.MigrateAsync(db, options.Value, cancellationToken);
        }
        else
        {
            await StorageSetup.PrepareAsync(db, options.Value, cancellationToken);
        }

        await keyRing.ExtendKeysMadeBeforeAdr0015Async(db, cancellationToken);
        await keyRing.EnsureKeyAsync(db, cancellationToken);
        // Opened now, not at the first request: a node given another node's database with a different master key
        // stops here with a message instead of failing every token request.
        await keyRing.RefreshAsync(db, cancellationToken);
        // The first Data Protection key (anti-forgery tokens of the hosted pages) is made here as well, so by `migrate`
        // on PostgreSQL: nodes that start together would otherwise each make one, and a node that read the keys before
        // another wrote its own can refuse that node's forms until its key ring is next refreshed (up to a day).
        scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector("Latchkey.Bootstrap").Protect([0]);

        var path = Path.Combine(options.Value.DataDirectory, "bootstrap.json");
        var sites = scope.ServiceProvider.GetRequiredService<ISiteStore>();
        if (await sites.AnyAsync(cancellationToken))
        {
            LogReused(logger, path);
            return null;
        }

        var values = await CreateDefaultsAsync(scope.ServiceProvider, cancellationToken);
        OwnerOnlyFile.WriteAllText(path, JsonSerializer.Serialize(values, JsonSerializerOptions.Web));
        if (!announce)
        {
            return values;
        }

        // Printed once, on the console on purpose (not the log pipeline): the API key is a secret.
        Console.WriteLine($"""
            Latchkey bootstrap (shown once; also in {path}, readable by its owner only):
              siteId:   {values.SiteId}
              clientId: {values.ClientId}
              apiKey:   {values.ApiKey}
            """);
        return values;
    }

    private async Task<BootstrapValues> CreateDefaultsAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        var now = clock.GetUtcNow();
        var site = new Site { Id = Guid.CreateVersion7(), Name = bootstrap.SiteName, CreatedAt = now };
        site.Captcha.Mode = options.Value.Captcha.DefaultMode;
        await scoped.GetRequiredService<ISiteStore>().AddAsync(site, cancellationToken);

        var client = await scoped.GetRequiredService<ClientRegistry>().CreateAsync(
            new ClientRegistration(site.Id, ClientKind.WixSdk, Confidential: false, "Wix SDK client",
                bootstrap.EffectiveRedirectUris, bootstrap.EffectiveAllowedOrigins),
            cancellationToken);
        var clients = scoped.GetRequiredService<IClientStore>();

        var apiKey = ApiKey.Prefix + SecretGenerator.NewToken();
        await clients.AddApiKeyAsync(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = "bootstrap admin key",
            KeyHash = tokenHasher.Hash(apiKey),
            KeyVersion = tokenHasher.CurrentVersion,
            Permissions = ApiKeyPermissions.All,
            CreatedAt = now,
        }, cancellationToken);

        return new BootstrapValues(site.Id.ToString(), client.ClientId, apiKey);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Using the existing site and clients (bootstrap values in {Path}).")]
    private static partial void LogReused(ILogger logger, string path);
}

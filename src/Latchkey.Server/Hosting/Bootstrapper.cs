using System.Text.Json;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Admin;
using Latchkey.Server.Configuration;
using Latchkey.Server.OAuth;
using Latchkey.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>
/// What the first start created (docs/sites.md#bootstrap), as written to <c>&lt;data dir&gt;/bootstrap.json</c>.
/// </summary>
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
    /// <summary>The actor of the audit events of what the first start creates.</summary>
    public static AdminActor Actor { get; } = new("bootstrap", null, ServerWide: true);

    // announce: print the created values on the console (the server); the CLI prints them itself.
    public async Task<BootstrapValues?> RunAsync(bool migrate, CancellationToken cancellationToken, bool announce = true)
    {
        var dataDirectory = options.Value.DataDirectory;
        DataDirectory.Prepare(dataDirectory);
        LogDataDirectory(logger, dataDirectory, options.Value.Storage.Provider);
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

        var path = Path.Combine(dataDirectory, "bootstrap.json");
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

        // Printed once, on the console on purpose (not the log pipeline). The API key is a secret, so it is shown on a
        // terminal only: a service manager or a container runtime keeps the console as a log (docs/observability.md).
        var apiKey = Console.IsOutputRedirected ? $"(in {path}; shown on a terminal only)" : values.ApiKey;
        Console.WriteLine($"""
            Latchkey bootstrap (shown once; also in {path}, readable by its owner only):
              siteId:   {values.SiteId}
              clientId: {values.ClientId}
              apiKey:   {apiKey}
            """);
        return values;
    }

    private async Task<BootstrapValues> CreateDefaultsAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        var now = clock.GetUtcNow();
        var audit = scoped.GetRequiredService<AdminAudit>();
        var site = new Site
        {
            Id = Guid.CreateVersion7(),
            Name = bootstrap.SiteName,
            CreatedAt = now,
            Captcha = new CaptchaPolicy { Mode = options.Value.Captcha.DefaultMode },
        };
        await scoped.GetRequiredService<ISiteStore>().AddAsync(site, cancellationToken);
        await audit.RecordAsync(Actor, site.Id, AuditActions.SiteCreated, "site", site.Id.ToString(), new { site.Name }, cancellationToken);

        var client = await scoped.GetRequiredService<ClientRegistry>().CreateAsync(
            new ClientRegistration(site.Id, ClientKind.WixSdk, Confidential: false, "Wix SDK client",
                bootstrap.EffectiveRedirectUris, bootstrap.EffectiveAllowedOrigins),
            cancellationToken);
        await audit.RecordAsync(Actor, site.Id, AuditActions.ClientCreated, "client", client.ClientId, new
        {
            kind = ClientAdmin.KindName(ClientKind.WixSdk),
            confidential = false,
            redirectUris = bootstrap.EffectiveRedirectUris,
            allowedOrigins = bootstrap.EffectiveAllowedOrigins,
        }, cancellationToken);

        var apiKey = ApiKey.Prefix + SecretGenerator.NewToken();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = "bootstrap admin key",
            KeyHash = tokenHasher.Hash(apiKey),
            KeyVersion = tokenHasher.CurrentVersion,
            Permissions = ApiKeyPermissions.All,
            CreatedAt = now,
        };
        await scoped.GetRequiredService<IClientStore>().AddApiKeyAsync(key, cancellationToken);
        await audit.RecordAsync(Actor, site.Id, AuditActions.ApiKeyCreated, "api_key", key.Id.ToString(),
            new { key.Name, permissions = ApiKeyAdmin.Format(key.Permissions) }, cancellationToken);

        return new BootstrapValues(site.Id.ToString(), client.ClientId, apiKey);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Using the existing site and clients (bootstrap values in {Path}).")]
    private static partial void LogReused(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Data directory: {Path} (storage: {Provider}).")]
    private static partial void LogDataDirectory(ILogger logger, string path, StorageProvider provider);
}

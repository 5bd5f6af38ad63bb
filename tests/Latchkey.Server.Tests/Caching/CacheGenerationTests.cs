using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Caching;
using Latchkey.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Caching;

/// <summary>
/// A read that began before a change must not put the old row into the node's cache after the change: requests have
/// their own scope (their own store decorators) and share one cache, as on a node.
/// </summary>
public sealed class CacheGenerationTests
{
    [Fact]
    public async Task A_read_overtaken_by_a_change_in_another_request_does_not_cache_the_old_site()
    {
        var services = new ServiceCollection();
        services.AddOptions<LatchkeyOptions>();
        services.AddSingleton<SlowSiteStore.Rows>();
        services.AddScoped<ISiteStore, SlowSiteStore>();
        services.AddScoped<IClientStore, NoClients>();
        services.AddCachedStores();
        await using var provider = services.BuildServiceProvider();
        var rows = provider.GetRequiredService<SlowSiteStore.Rows>();
        var site = new Site { Id = Guid.CreateVersion7(), Name = "old" };
        rows.Current = site;

        // Request 1 reads the site; the database answers with the old row, but slowly.
        using var reader = provider.CreateScope();
        rows.Hold = new TaskCompletionSource();
        var read = reader.ServiceProvider.GetRequiredService<ISiteStore>().FindAsync(site.Id, CancellationToken.None);

        // Request 2 saves a change meanwhile.
        using (var writer = provider.CreateScope())
        {
            rows.HoldNext = false;
            await writer.ServiceProvider.GetRequiredService<ISiteStore>().UpdateAsync(site with { Name = "new" }, CancellationToken.None);
        }

        rows.Hold.SetResult();
        Assert.Equal("old", (await read)!.Name);

        // Request 3, after the change: the node must not answer from a cache entry the overtaken read put there.
        using var later = provider.CreateScope();
        Assert.Equal("new", (await later.ServiceProvider.GetRequiredService<ISiteStore>().FindAsync(site.Id, CancellationToken.None))!.Name);
    }

    /// <summary>A site store whose next read can be held until the test lets it answer (with what it read at the start).</summary>
    private sealed class SlowSiteStore(SlowSiteStore.Rows rows) : ISiteStore
    {
        public sealed class Rows
        {
            public Site? Current { get; set; }

            public TaskCompletionSource? Hold { get; set; }

            public bool HoldNext { get; set; } = true;
        }

        public async Task<Site?> FindAsync(Guid siteId, CancellationToken cancellationToken)
        {
            var row = rows.Current;
            if (rows.HoldNext && rows.Hold is { } hold)
            {
                await hold.Task;
            }

            return row;
        }

        public Task<bool> AnyAsync(CancellationToken cancellationToken) => Task.FromResult(rows.Current is not null);

        public Task AddAsync(Site site, CancellationToken cancellationToken) => UpdateAsync(site, cancellationToken);

        public Task UpdateAsync(Site site, CancellationToken cancellationToken)
        {
            rows.Current = site;
            return Task.CompletedTask;
        }
    }

    private sealed class NoClients : IClientStore
    {
        public Task<Latchkey.Core.Clients.SiteClient?> FindAsync(string clientId, CancellationToken cancellationToken) => Task.FromResult<Latchkey.Core.Clients.SiteClient?>(null);

        public Task<IReadOnlyList<Latchkey.Core.Clients.SiteClient>> FindBySiteAsync(Guid siteId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Latchkey.Core.Clients.SiteClient>>([]);

        public Task<IReadOnlyList<Latchkey.Core.Clients.SiteClient>> ListAllAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Latchkey.Core.Clients.SiteClient>>([]);

        public Task AddAsync(Latchkey.Core.Clients.SiteClient client, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task UpdateAsync(Latchkey.Core.Clients.SiteClient client, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<Latchkey.Core.Clients.ApiKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken) => Task.FromResult<Latchkey.Core.Clients.ApiKey?>(null);

        public Task AddApiKeyAsync(Latchkey.Core.Clients.ApiKey key, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

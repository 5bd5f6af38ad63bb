using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Configuration;
using Microsoft.Extensions.Caching.Memory;

namespace Latchkey.Server.Caching;

/// <summary>
/// Sites and clients are read on nearly every request and change rarely, so each node keeps them for a few seconds
/// (the load benchmark showed these look-ups as a large share of a visitor-token request). A change made on another
/// node is seen within the cache lifetime; a change made here at once.
/// API keys are not cached: revoking one must take effect immediately. Lifetimes come from <c>Latchkey:Cache</c>;
/// zero turns a cache off. The cached records are immutable (a change is a new record, saved whole), so a request never
/// sees a change half made, before it is saved, or after its save failed.
/// </summary>
public static class CachedStores
{
    public static IServiceCollection AddCachedStores(this IServiceCollection services)
    {
        services.AddMemoryCache();
        // One per node, like the cache: the stores are scoped, and a change in one request must stop a read under way
        // in another from caching what it read.
        services.AddSingleton<CacheGenerations>();
        Decorate<ISiteStore>(services, (inner, sp) => Lifetimes(sp).SiteSeconds > 0
            ? new CachedSiteStore(inner, sp.GetRequiredService<IMemoryCache>(), sp.GetRequiredService<CacheGenerations>(), TimeSpan.FromSeconds(Lifetimes(sp).SiteSeconds))
            : inner);
        Decorate<IClientStore>(services, (inner, sp) => Lifetimes(sp).ClientSeconds > 0
            ? new CachedClientStore(inner, sp.GetRequiredService<IMemoryCache>(), sp.GetRequiredService<CacheGenerations>(), TimeSpan.FromSeconds(Lifetimes(sp).ClientSeconds))
            : inner);
        return services;
    }

    private static CacheOptions Lifetimes(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LatchkeyOptions>>().Value.Cache;

    private static void Decorate<T>(IServiceCollection services, Func<T, IServiceProvider, T> decorate)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(T), sp => decorate((T)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!), sp), original.Lifetime));
    }

    private sealed class CachedSiteStore(ISiteStore inner, IMemoryCache cache, CacheGenerations generations, TimeSpan lifetime) : ISiteStore
    {

        public Task<Site?> FindAsync(Guid siteId, CancellationToken cancellationToken) =>
            generations.GetOrReadAsync(cache, ("site", siteId), lifetime, () => inner.FindAsync(siteId, cancellationToken));

        public Task<bool> AnyAsync(CancellationToken cancellationToken) => inner.AnyAsync(cancellationToken);

        public async Task UpdateAsync(Site site, CancellationToken cancellationToken)
        {
            await inner.UpdateAsync(site, cancellationToken);
            generations.Forget(cache, ("site", site.Id));
        }

        public async Task AddAsync(Site site, CancellationToken cancellationToken)
        {
            await inner.AddAsync(site, cancellationToken);
            generations.Forget(cache, ("site", site.Id));
        }
    }

    private sealed class CachedClientStore(IClientStore inner, IMemoryCache cache, CacheGenerations generations, TimeSpan lifetime) : IClientStore
    {

        public Task<SiteClient?> FindAsync(string clientId, CancellationToken cancellationToken) =>
            generations.GetOrReadAsync(cache, ("client", clientId), lifetime, () => inner.FindAsync(clientId, cancellationToken));

        public Task<IReadOnlyList<SiteClient>> FindBySiteAsync(Guid siteId, CancellationToken cancellationToken) =>
            generations.GetOrReadAsync(cache, ("site-clients", siteId), lifetime, () => inner.FindBySiteAsync(siteId, cancellationToken));

        // One entry for the whole list, so that a flood of preflights from unknown origins cannot fill the cache.
        public Task<IReadOnlyList<SiteClient>> ListAllAsync(CancellationToken cancellationToken) =>
            generations.GetOrReadAsync(cache, "all-clients", lifetime, () => inner.ListAllAsync(cancellationToken));

        public async Task AddAsync(SiteClient client, CancellationToken cancellationToken)
        {
            await inner.AddAsync(client, cancellationToken);
            Forget(client);
        }

        public async Task UpdateAsync(SiteClient client, CancellationToken cancellationToken)
        {
            await inner.UpdateAsync(client, cancellationToken);
            Forget(client);
        }

        private void Forget(SiteClient client)
        {
            generations.Forget(cache, ("client", client.ClientId));
            generations.Forget(cache, ("site-clients", client.SiteId));
            generations.Forget(cache, "all-clients");
        }

        public Task<ApiKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken) => inner.FindApiKeyAsync(keyHash, cancellationToken);

        public Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken) => inner.AddApiKeyAsync(key, cancellationToken);
    }
}

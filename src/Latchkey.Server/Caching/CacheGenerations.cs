using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Latchkey.Server.Caching;

/// <summary>
/// Read-through caching that a change cannot be overtaken by: a read that started before a change (and so may hold the
/// old row) does not put its result into the cache once the change has forgotten the entry. Without it, a request that
/// read the site just before an admin saved it could cache the old site for the whole lifetime, and the node that
/// made the change would not see it.
/// </summary>
internal sealed class CacheGenerations
{
    private readonly ConcurrentDictionary<object, long> _generations = new();

    public async Task<T> GetOrReadAsync<T>(IMemoryCache cache, object key, TimeSpan lifetime, Func<Task<T>> read)
    {
        if (cache.TryGetValue(key, out T? cached))
        {
            return cached!;
        }

        var generation = _generations.GetValueOrDefault(key);
        var value = await read();
        if (value is not null && _generations.GetValueOrDefault(key) == generation)
        {
            cache.Set(key, value, lifetime);
            // A change saved between the check and the set has already removed the entry: remove what was just set.
            if (_generations.GetValueOrDefault(key) != generation)
            {
                cache.Remove(key);
            }
        }

        return value;
    }

    /// <summary>
    /// Drops the entry after a change was saved; reads already under way will not cache what they read. Only keys that
    /// changed get a generation, so the map grows with the sites and clients changed, not with the ones read.
    /// </summary>
    public void Forget(IMemoryCache cache, object key)
    {
        _generations.AddOrUpdate(key, 1, (_, generation) => generation + 1);
        cache.Remove(key);
    }
}

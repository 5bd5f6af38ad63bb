using Latchkey.Server.Caching;
using Latchkey.Server.Configuration;
using Latchkey.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace Latchkey.Server.OAuth;

/// <summary>
/// OpenIddict's own application cache lives in the request scope, so every token request read its client from
/// SQLite again (a quarter of an anonymous-token request's CPU in the load benchmark, docs/benchmarks.md). This
/// one keeps applications for the process, like <see cref="CachedStores"/> keeps Latchkey's clients, for
/// <c>Latchkey:Cache:ClientSeconds</c> (zero: no sharing, every look-up reads the store).
/// Each request gets its own copy, attached (unchanged) to its own DbContext as a tracking query would have left
/// it: nothing a request does to its entity reaches another request, and a later query or update of the same
/// application in that request finds this instance instead of conflicting with it. Updates and deletions through the application manager call
/// <see cref="RemoveAsync"/>, which drops the entries at once on this node; other nodes see a change within the
/// lifetime. Unknown client ids are not cached, so guessing them cannot fill the cache.
/// </summary>
public sealed class SharedApplicationCache(
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    IMemoryCache cache,
    LatchkeyDbContext db,
    IOptions<LatchkeyOptions> options) : IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>
{
    private TimeSpan Lifetime => TimeSpan.FromSeconds(options.Value.Cache.ClientSeconds);

    /// <summary>This request's copies: OpenIddict looks its client up about eight times per token request.</summary>
    private readonly Dictionary<string, OpenIddictEntityFrameworkCoreApplication> _attached = new(StringComparer.Ordinal);

    public ValueTask AddAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        Forget(application);
        return default;
    }

    public ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(("oidc-application-by-client-id", identifier), identifier, static (s, id, ct) => s.FindByClientIdAsync(id, ct), cancellationToken);

    public ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(("oidc-application-by-id", identifier), identifier, static (s, id, ct) => s.FindByIdAsync(id, ct), cancellationToken);

    // Redirect-URI look-ups serve the end-session endpoint only: rare, so they go to the store.
    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByRedirectUriAsync(uri, cancellationToken);

    public ValueTask RemoveAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        Forget(application);
        return default;
    }

    private void Forget(OpenIddictEntityFrameworkCoreApplication application)
    {
        if (application.ClientId is { } clientId)
        {
            cache.Remove(("oidc-application-by-client-id", clientId));
        }

        if (application.Id is { } id)
        {
            _attached.Remove(id);
            cache.Remove(("oidc-application-by-id", id));
        }
    }

    private ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindAsync(
        (string, string) key, string identifier,
        Func<IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication>, string, CancellationToken, ValueTask<OpenIddictEntityFrameworkCoreApplication?>> find,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (Lifetime <= TimeSpan.Zero)
        {
            return find(store, identifier, cancellationToken);
        }

        return cache.TryGetValue(key, out OpenIddictEntityFrameworkCoreApplication? shared) && shared is not null
            ? new(Attach(shared))
            : LoadAsync();

        async ValueTask<OpenIddictEntityFrameworkCoreApplication?> LoadAsync()
        {
            var application = await find(store, identifier, cancellationToken);
            if (application is null)
            {
                return null;
            }

            var snapshot = Copy(application);
            cache.Set(("oidc-application-by-client-id", snapshot.ClientId), snapshot, Lifetime);
            cache.Set(("oidc-application-by-id", snapshot.Id), snapshot, Lifetime);
            return application;
        }
    }

    private OpenIddictEntityFrameworkCoreApplication Attach(OpenIddictEntityFrameworkCoreApplication shared)
    {
        if (_attached.TryGetValue(shared.Id!, out var mine))
        {
            return mine;
        }

        var set = db.Set<OpenIddictEntityFrameworkCoreApplication>();
        // DbSet.Local runs DetectChanges over everything tracked, which a look-up by key does not need.
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            if (set.Local.FindEntry(shared.Id!) is { } tracked)
            {
                return _attached[shared.Id!] = tracked.Entity;
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }

        var copy = Copy(shared);
        set.Attach(copy);
        return _attached[shared.Id!] = copy;
    }

    private static OpenIddictEntityFrameworkCoreApplication Copy(OpenIddictEntityFrameworkCoreApplication a) => new()
    {
        ApplicationType = a.ApplicationType,
        ClientId = a.ClientId,
        ClientSecret = a.ClientSecret,
        ClientType = a.ClientType,
        ConcurrencyToken = a.ConcurrencyToken,
        ConsentType = a.ConsentType,
        DisplayName = a.DisplayName,
        DisplayNames = a.DisplayNames,
        Id = a.Id,
        JsonWebKeySet = a.JsonWebKeySet,
        Permissions = a.Permissions,
        PostLogoutRedirectUris = a.PostLogoutRedirectUris,
        Properties = a.Properties,
        RedirectUris = a.RedirectUris,
        Requirements = a.Requirements,
        Settings = a.Settings,
    };
}

using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Latchkey.Server.OAuth;

/// <summary>
/// OpenIddict's EF Core token store with its hottest query compiled: every refresh looks its token up by reference
/// id, and building, caching and parameterising that LINQ query on each call cost more CPU than running it (the
/// refresh profile in docs/benchmarks.md). Same query as OpenIddict's: the token with its application and
/// authorization, tracked, since OpenIddict may redeem or revoke it next.
/// </summary>
public sealed class CompiledTokenStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore<OpenIddictEntityFrameworkCoreToken, OpenIddictEntityFrameworkCoreApplication,
        OpenIddictEntityFrameworkCoreAuthorization, string>(cache, context, options)
{
    private static readonly CompiledPerModel<Func<DbContext, string, CancellationToken, Task<OpenIddictEntityFrameworkCoreToken?>>> ByReferenceId =
        new(() => EF.CompileAsyncQuery((DbContext db, string referenceId, CancellationToken _) =>
            db.Set<OpenIddictEntityFrameworkCoreToken>()
                .Include(token => token.Application)
                .Include(token => token.Authorization)
                .AsTracking()
                .FirstOrDefault(token => token.ReferenceId == referenceId)));

    public override async ValueTask<OpenIddictEntityFrameworkCoreToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = await Context.GetDbContextAsync(cancellationToken);
        return await ByReferenceId.For(db)(db, identifier, cancellationToken);
    }
}

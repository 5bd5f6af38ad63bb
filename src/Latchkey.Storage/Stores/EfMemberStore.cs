using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfMemberStore(LatchkeyDbContext db) : IMemberStore
{
    // Compiled: every login, registration and recovery starts with this read, and building and caching the LINQ
    // query each time cost more CPU than running it (docs/benchmarks.md, where a login's CPU goes). Tracked, as
    // before: a login that rehashes the password updates the member it read.
    private static readonly CompiledPerModel<Func<LatchkeyDbContext, Guid, string, CancellationToken, Task<Member?>>> ByEmail =
        new(() => EF.CompileAsyncQuery((LatchkeyDbContext db, Guid siteId, string normalizedEmail, CancellationToken _) =>
            db.Members.FirstOrDefault(m => m.SiteId == siteId && m.NormalizedEmail == normalizedEmail)));

    public Task<Member?> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        db.Members.FirstOrDefaultAsync(m => m.SiteId == siteId && m.Id == memberId, cancellationToken);

    public Task<Member?> FindByEmailAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken) =>
        ByEmail.For(db)(db, siteId, normalizedEmail, cancellationToken);

    public async Task<bool> TryAddAsync(Member member, CancellationToken cancellationToken)
    {
        db.Members.Add(member);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(member).State = EntityState.Detached;
            // The unique index on (site, normalized email) is the judge under a race; any other failure is a bug.
            if (await db.Members.AsNoTracking().AnyAsync(
                    m => m.SiteId == member.SiteId && m.NormalizedEmail == member.NormalizedEmail, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    public async Task UpdateAsync(Member member, CancellationToken cancellationToken)
    {
        if (db.Entry(member).State == EntityState.Detached)
        {
            db.Members.Update(member);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

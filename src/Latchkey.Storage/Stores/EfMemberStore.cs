using System.Security.Cryptography;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfMemberStore(LatchkeyDbContext db) : IMemberStore
{
    /// <summary>Suffixes tried in order (<c>ann-2</c> … <c>ann-5</c>) before a random one.</summary>
    private const int OrderedSlugSuffixes = 5;

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
        var slug = member.Slug;
        for (var attempt = 2; ; attempt++)
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

                if (slug is null || !await SlugTakenAsync(member, cancellationToken))
                {
                    throw;
                }

                member.Profile = member.Profile with { Slug = NextSlug(slug, attempt) };
            }
        }
    }

    public async Task UpdateAsync(Member member, CancellationToken cancellationToken)
    {
        if (db.Entry(member).State == EntityState.Detached)
        {
            db.Members.Update(member);
        }

        var slug = member.Slug;
        for (var attempt = 2; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && slug is not null)
            {
                if (!await SlugTakenAsync(member, cancellationToken))
                {
                    throw;
                }

                // A profile (Sign On's merge) asked for a slug another member holds: it gets the next free variant.
                member.Profile = member.Profile with { Slug = NextSlug(slug, attempt) };
            }
        }
    }

    public Task RecordSignInAsync(Guid memberId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Members.Where(m => m.Id == memberId).ExecuteUpdateAsync(u => u.SetProperty(m => m.LastLoginAt, at), cancellationToken);

    private Task<bool> SlugTakenAsync(Member member, CancellationToken cancellationToken) =>
        db.Members.AsNoTracking().AnyAsync(m => m.SiteId == member.SiteId && m.Slug == member.Slug && m.Id != member.Id, cancellationToken);

    private static string NextSlug(string slug, int attempt) => attempt <= OrderedSlugSuffixes + 1
        ? MemberSlug.WithSuffix(slug, attempt)
        // Many members asked for the same slug: a random suffix ends the search in one more try.
        : MemberSlug.WithSuffix(slug, RandomNumberGenerator.GetInt32(1_000_000, int.MaxValue));
}

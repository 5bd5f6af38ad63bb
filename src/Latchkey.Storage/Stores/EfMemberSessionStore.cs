using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfMemberSessionStore(LatchkeyDbContext db) : IMemberSessionStore
{
    // Compiled: this read runs on every refresh and member call, and building and caching the LINQ query each time
    // cost more CPU than running it (docs/benchmarks.md, the refresh profile).
    private static readonly CompiledPerModel<Func<LatchkeyDbContext, Guid, CancellationToken, Task<SessionWithMember?>>> SessionWithItsMember =
        new(() => EF.CompileAsyncQuery((LatchkeyDbContext db, Guid sessionId, CancellationToken _) =>
            (from s in db.MemberSessions.AsNoTracking()
             join m in db.Members.AsNoTracking() on s.MemberId equals m.Id
             where s.Id == sessionId && m.SiteId == s.SiteId
             select new SessionWithMember(s, m)).FirstOrDefault()));

    public async Task AddAsync(MemberSession session, CancellationToken cancellationToken)
    {
        db.MemberSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
    }

    public Task<MemberSession?> FindAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.MemberSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);

    public Task<SessionWithMember?> FindWithMemberAsync(Guid sessionId, CancellationToken cancellationToken) =>
        SessionWithItsMember.For(db)(db, sessionId, cancellationToken);

    public Task<MemberSession?> FindByCookieAsync(byte[] cookieHash, CancellationToken cancellationToken) =>
        db.MemberSessions.AsNoTracking().FirstOrDefaultAsync(s => s.CookieHash == cookieHash, cancellationToken);

    public async Task<bool> TouchAsync(Guid sessionId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await db.MemberSessions
            .Where(s => s.Id == sessionId && s.RevokedAt == null && s.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, expiresAt), cancellationToken) == 1;

    public Task RevokeAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.MemberSessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);

    public Task<int> RevokeAllAsync(Guid memberId, Guid? keep, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.MemberSessions.Where(s => s.MemberId == memberId && s.RevokedAt == null && s.Id != keep)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
}

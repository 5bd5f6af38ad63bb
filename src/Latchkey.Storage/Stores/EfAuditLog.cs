using Latchkey.Core.Audit;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfAuditLog(LatchkeyDbContext db) : IAuditLog
{
    public async Task AddAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        db.AuditEvents.Add(auditEvent);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(auditEvent).State = EntityState.Detached;
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(Guid siteId, AuditQuery query, CancellationToken cancellationToken)
    {
        // Server-wide events (signing keys) concern every site, so each site's log shows them.
        var events = db.AuditEvents.AsNoTracking().Where(e => e.SiteId == siteId || e.SiteId == null);
        if (query.Action is { } action)
        {
            events = events.Where(e => e.Action == action);
        }

        if (query.Actor is { } actor)
        {
            events = events.Where(e => e.Actor == actor);
        }

        if (query.TargetType is { } targetType)
        {
            events = events.Where(e => e.TargetType == targetType);
        }

        if (query.TargetId is { } targetId)
        {
            events = events.Where(e => e.TargetId == targetId);
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.OccurredAt >= from);
        }

        if (query.To is { } to)
        {
            events = events.Where(e => e.OccurredAt < to);
        }

        if (query.Before is { } before)
        {
            events = events.Where(e => e.Id < before);
        }

        return await events.OrderByDescending(e => e.Id).Take(query.PageSize).ToListAsync(cancellationToken);
    }
}

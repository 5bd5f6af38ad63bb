using Latchkey.Core.Audit;

namespace Latchkey.Core.Storage;

/// <summary>The append-only audit log of administrative changes.</summary>
public interface IAuditLog
{
    Task AddAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// The site's events and the server-wide ones, newest first; <see cref="AuditQuery.Before"/> continues after the last
    /// id of the previous page.
    /// </summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(Guid siteId, AuditQuery query, CancellationToken cancellationToken);
}

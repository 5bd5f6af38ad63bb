using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfFlowStore(LatchkeyDbContext db) : IFlowStore
{
    public async Task AddAsync(Flow flow, CancellationToken cancellationToken)
    {
        db.Flows.Add(flow);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<Flow?> FindByStateTokenAsync(byte[] stateTokenHash, CancellationToken cancellationToken) =>
        db.Flows.AsNoTracking().FirstOrDefaultAsync(f => f.StateTokenHash == stateTokenHash, cancellationToken);

    public Task<Flow?> FindByIdAsync(Guid flowId, CancellationToken cancellationToken) =>
        db.Flows.AsNoTracking().FirstOrDefaultAsync(f => f.Id == flowId, cancellationToken);

    public Task<Flow?> FindLatestAsync(Guid memberId, FlowKind kind, CancellationToken cancellationToken) =>
        db.Flows.AsNoTracking().Where(f => f.MemberId == memberId && f.Kind == kind)
            .OrderByDescending(f => f.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> TryTakeAttemptAsync(Guid flowId, byte[] stateTokenHash, int maxAttempts, CancellationToken cancellationToken) =>
        await db.Flows.Where(f => f.Id == flowId && f.StateTokenHash == stateTokenHash && f.Attempts < maxAttempts)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.Attempts, f => f.Attempts + 1), cancellationToken) == 1;

    public Task EndExhaustedAsync(Guid flowId, int maxAttempts, CancellationToken cancellationToken) =>
        db.Flows.Where(f => f.Id == flowId && f.Attempts >= maxAttempts)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.State, FlowState.Failed).SetProperty(f => f.CodeHash, (byte[]?)null), cancellationToken);

    public async Task<bool> TryUpdateAsync(Flow flow, byte[] expectedStateTokenHash, CancellationToken cancellationToken) =>
        await db.Flows.Where(f => f.Id == flow.Id && f.StateTokenHash == expectedStateTokenHash)
            .ExecuteUpdateAsync(u => u
                .SetProperty(f => f.State, flow.State)
                .SetProperty(f => f.StateTokenHash, flow.StateTokenHash)
                .SetProperty(f => f.KeyVersion, flow.KeyVersion)
                .SetProperty(f => f.Attempts, flow.Attempts)
                .SetProperty(f => f.CodeHash, flow.CodeHash)
                .SetProperty(f => f.CodeExpiresAt, flow.CodeExpiresAt)
                .SetProperty(f => f.Resends, flow.Resends)
                .SetProperty(f => f.CodeSentAt, flow.CodeSentAt)
                .SetProperty(f => f.ExpiresAt, flow.ExpiresAt), cancellationToken) == 1;
}

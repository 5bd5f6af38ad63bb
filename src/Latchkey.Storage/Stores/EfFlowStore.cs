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
        db.Flows.FirstOrDefaultAsync(f => f.StateTokenHash == stateTokenHash, cancellationToken);
}

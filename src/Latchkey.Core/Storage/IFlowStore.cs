using Latchkey.Core.Flows;

namespace Latchkey.Core.Storage;

/// <summary>Multi-step flows and their current state-token digest.</summary>
public interface IFlowStore
{
    Task AddAsync(Flow flow, CancellationToken cancellationToken);

    Task<Flow?> FindByStateTokenAsync(byte[] stateTokenHash, CancellationToken cancellationToken);

    /// <summary>A flow by its id, whatever its state (the reset page brands an ended link's page with it).</summary>
    Task<Flow?> FindByIdAsync(Guid flowId, CancellationToken cancellationToken);

    /// <summary>The member's most recently created flow of this kind, or null.</summary>
    Task<Flow?> FindLatestAsync(Guid memberId, FlowKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the flow only if its state token is still <paramref name="expectedStateTokenHash"/>: of two concurrent
    /// steps on one state token, one wins and the other gets false.
    /// </summary>
    Task<bool> TryUpdateAsync(Flow flow, byte[] expectedStateTokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one code attempt in a single conditional write, before the code is checked: false when the flow has no
    /// attempts left or its state token moved on. Parallel guesses therefore cannot share one attempt.
    /// </summary>
    Task<bool> TryTakeAttemptAsync(Guid flowId, byte[] stateTokenHash, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Ends a flow whose attempts are spent (state Failed, no code), whatever its copy in memory says.</summary>
    Task EndExhaustedAsync(Guid flowId, int maxAttempts, CancellationToken cancellationToken);
}

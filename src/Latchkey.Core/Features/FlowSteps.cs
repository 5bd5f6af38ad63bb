using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features;

/// <summary>Loading a flow by its state token, shared by the steps that continue one.</summary>
public static class FlowSteps
{
    public static async Task<Result<Flow>> FindAsync(
        IFlowStore flows, TokenHasher hasher, Guid siteId, string? stateToken, FlowState expected, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stateToken) || stateToken.Length > 1000)
        {
            return LatchkeyErrors.Validation(new FieldViolation("stateToken", "stateToken is required.", "REQUIRED_FIELD", "STRING"));
        }

        var flow = await flows.FindByStateTokenAsync(hasher.Hash(stateToken), cancellationToken);
        if (flow is null || flow.SiteId != siteId)
        {
            return LatchkeyErrors.StateTokenInvalid;
        }

        if (flow.IsExpired(clock))
        {
            return LatchkeyErrors.FlowExpired;
        }

        return flow.State == expected ? flow : LatchkeyErrors.StateTokenInvalid;
    }

    /// <summary>
    /// Takes one code attempt before the code is looked at, in one conditional write: null when taken, otherwise
    /// <see cref="LatchkeyErrors.VerificationAttemptsExceeded"/>. Parallel guesses therefore cannot share an attempt.
    /// </summary>
    public static async Task<LatchkeyError?> TakeAttemptAsync(IFlowStore flows, Flow flow, CancellationToken cancellationToken)
    {
        if (!await flows.TryTakeAttemptAsync(flow.Id, flow.StateTokenHash, Flow.MaxCodeAttempts, cancellationToken))
        {
            return LatchkeyErrors.VerificationAttemptsExceeded;
        }

        flow.Attempts++;
        return null;
    }

    /// <summary>
    /// Ends a flow in <paramref name="final"/> and retires its state token: the digest becomes that of a token nobody
    /// holds. The conditional update that saves the end matches the presented digest, so it succeeds once; had the
    /// digest stayed, every concurrent request with the token would match it too, and each would go on (issue #7).
    /// </summary>
    public static void Conclude(Flow flow, FlowState final, TokenHasher hasher)
    {
        flow.MoveTo(final);
        flow.StateTokenHash = hasher.Hash(SecretGenerator.NewToken());
        flow.KeyVersion = hasher.CurrentVersion;
        flow.CodeHash = null;
    }

    /// <summary>
    /// After a wrong code: ends the flow when the database says its attempts are spent (a parallel request may have
    /// taken the last one while this copy counts fewer), and answers <paramref name="miss"/> or attempts exceeded.
    /// </summary>
    public static async Task<LatchkeyError> MissAsync(IFlowStore flows, Flow flow, LatchkeyError miss, CancellationToken cancellationToken)
    {
        await flows.EndExhaustedAsync(flow.Id, Flow.MaxCodeAttempts, cancellationToken);
        return flow.Attempts >= Flow.MaxCodeAttempts ? LatchkeyErrors.VerificationAttemptsExceeded : miss;
    }
}

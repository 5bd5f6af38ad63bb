using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Mfa;

namespace Latchkey.Core.Features;

/// <summary>What a register, login or verification step ends in: a Wix <c>StateMachineResponse</c> in domain terms.</summary>
public sealed record AuthOutcome(StateType State, Member Member, string? SessionToken = null, string? StateToken = null)
{
    /// <summary>For REQUIRE_MFA: the factors the member can continue with.</summary>
    public IReadOnlyList<MfaFactor> AvailableFactors { get; init; } = [];
}

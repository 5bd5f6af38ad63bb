using System.Text;

namespace Latchkey.Core.Flows;
/// <summary>
/// The state machine, as one table: (kind, from) → allowed next states. <c>docs/flows/*.mmd</c> draws the same table;
/// a test renders <see cref="ToMermaid"/> and compares, so the diagram cannot drift.
/// </summary>
public static class FlowTransitions
{
    private static readonly Dictionary<(FlowKind, FlowState), FlowState[]> Table = new()
    {
        [(FlowKind.Registration, FlowState.Started)] =
            [FlowState.RequireEmailVerification, FlowState.RequireOwnerApproval, FlowState.Succeeded],
        [(FlowKind.Registration, FlowState.RequireEmailVerification)] =
            [FlowState.RequireOwnerApproval, FlowState.RequireMfa, FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Registration, FlowState.RequireOwnerApproval)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Registration, FlowState.RequireMfa)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Login, FlowState.Started)] =
            [FlowState.RequireEmailVerification, FlowState.RequireOwnerApproval, FlowState.RequireMfa, FlowState.Succeeded],
        [(FlowKind.Login, FlowState.RequireEmailVerification)] =
            [FlowState.RequireOwnerApproval, FlowState.RequireMfa, FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Login, FlowState.RequireOwnerApproval)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Login, FlowState.RequireMfa)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Recovery, FlowState.Started)] = [FlowState.RequireNewPassword],
        [(FlowKind.Recovery, FlowState.RequireNewPassword)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.Verification, FlowState.Started)] = [FlowState.RequireEmailVerification],
        [(FlowKind.Verification, FlowState.RequireEmailVerification)] = [FlowState.Succeeded, FlowState.Failed],
        [(FlowKind.DecoyRegistration, FlowState.Started)] = [FlowState.RequireEmailVerification],
        [(FlowKind.DecoyRegistration, FlowState.RequireEmailVerification)] = [FlowState.Failed],
    };

    public static bool IsAllowed(FlowKind kind, FlowState from, FlowState to) =>
        Table.TryGetValue((kind, from), out var next) && Array.IndexOf(next, to) >= 0;

    public static string ToMermaid(FlowKind kind)
    {
        var builder = new StringBuilder("stateDiagram-v2\n");
        builder.Append("    [*] --> Started\n");
        foreach (var ((k, from), targets) in Table)
        {
            if (k != kind)
            {
                continue;
            }

            foreach (var to in targets)
            {
                builder.Append($"    {from} --> {to}\n");
            }
        }

        builder.Append("    Succeeded --> [*]\n    Failed --> [*]\n");
        return builder.ToString();
    }
}

using Latchkey.Core.Flows;

namespace Latchkey.Core.Tests;

public class FlowTransitionsTests
{
    [Theory]
    [InlineData(FlowKind.Registration, FlowState.Started, FlowState.RequireEmailVerification, true)]
    [InlineData(FlowKind.Registration, FlowState.RequireEmailVerification, FlowState.RequireOwnerApproval, true)]
    [InlineData(FlowKind.Registration, FlowState.RequireOwnerApproval, FlowState.RequireEmailVerification, false)]
    [InlineData(FlowKind.Login, FlowState.Succeeded, FlowState.Started, false)]
    [InlineData(FlowKind.Login, FlowState.Failed, FlowState.Succeeded, false)]
    public void The_table_decides_which_moves_are_allowed(FlowKind kind, FlowState from, FlowState to, bool allowed) =>
        Assert.Equal(allowed, FlowTransitions.IsAllowed(kind, from, to));

    [Fact]
    public void A_flow_refuses_a_move_the_table_forbids()
    {
        var flow = new Flow { Kind = FlowKind.Login, State = FlowState.Succeeded, StateTokenHash = [] };

        Assert.Throws<InvalidOperationException>(() => flow.MoveTo(FlowState.RequireEmailVerification));
    }

    [Theory]
    [InlineData(FlowKind.Registration, "registration.mmd")]
    [InlineData(FlowKind.Login, "login.mmd")]
    [InlineData(FlowKind.Recovery, "recovery.mmd")]
    [InlineData(FlowKind.Verification, "verification.mmd")]
    public void The_drawn_diagram_matches_the_table(FlowKind kind, string file)
    {
        var drawn = File.ReadAllText(RepoPaths.Of("docs", "flows", file)).ReplaceLineEndings("\n");

        Assert.Equal(FlowTransitions.ToMermaid(kind), drawn);
    }

    [Fact]
    public void The_MFA_page_draws_the_login_table()
    {
        var page = File.ReadAllText(RepoPaths.Of("docs", "flows", "mfa.md")).ReplaceLineEndings("\n");
        var start = page.IndexOf("```mermaid\n", StringComparison.Ordinal) + "```mermaid\n".Length;
        var drawn = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.Equal(FlowTransitions.ToMermaid(FlowKind.Login), drawn);
    }

    [Theory]
    [InlineData(FlowKind.Login, FlowState.Started, FlowState.RequireMfa, true)]
    [InlineData(FlowKind.Login, FlowState.RequireEmailVerification, FlowState.RequireMfa, true)]
    [InlineData(FlowKind.Login, FlowState.RequireMfa, FlowState.Succeeded, true)]
    [InlineData(FlowKind.Login, FlowState.RequireMfa, FlowState.RequireEmailVerification, false)]
    [InlineData(FlowKind.Recovery, FlowState.RequireNewPassword, FlowState.RequireMfa, false)]
    public void MFA_comes_after_the_password_and_email_verification(FlowKind kind, FlowState from, FlowState to, bool allowed) =>
        Assert.Equal(allowed, FlowTransitions.IsAllowed(kind, from, to));
}

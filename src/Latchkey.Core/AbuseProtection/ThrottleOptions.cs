namespace Latchkey.Core.AbuseProtection;

/// <summary>
/// <c>Latchkey:Throttling</c> (docs/policies.md#throttling): requests per IP and per site per minute for each guarded
/// action, and the account rule. Zero turns a limit off. The defaults let a busy office behind one NAT sign in, and
/// stop a script from one address long before it learns anything.
/// </summary>
public sealed class ThrottleOptions
{
    public const string Section = "Latchkey:Throttling";

    public ActionLimits PerIpPerMinute { get; set; } = new() { Login = 60, Register = 20, Recovery = 10, Verification = 30, SignOn = 0, SocialSignIn = 60 };

    public ActionLimits PerSitePerMinute { get; set; } = new() { Login = 6_000, Register = 1_000, Recovery = 600, Verification = 3_000, SignOn = 6_000, SocialSignIn = 6_000 };

    /// <summary>Failed logins on one account within <see cref="AccountWindowMinutes"/> after which it is slowed down.</summary>
    public int AccountFailuresBeforeThrottle { get; set; } = 10;

    /// <summary>The account window: failures older than this are forgotten, so a throttle never outlasts it.</summary>
    public int AccountWindowMinutes { get; set; } = 15;
}

public sealed class ActionLimits
{
    public int Login { get; set; }
    public int Register { get; set; }
    public int Recovery { get; set; }
    public int Verification { get; set; }
    public int SignOn { get; set; }
    public int SocialSignIn { get; set; }

    public int For(GuardedAction action) => action switch
    {
        GuardedAction.Login => Login,
        GuardedAction.Register => Register,
        GuardedAction.Recovery => Recovery,
        GuardedAction.Verification => Verification,
        GuardedAction.SignOn => SignOn,
        GuardedAction.SocialSignIn => SocialSignIn,
        _ => 0,
    };
}

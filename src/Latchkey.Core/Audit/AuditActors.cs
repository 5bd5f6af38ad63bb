namespace Latchkey.Core.Audit;

/// <summary>Actors that are not an API key or the command line.</summary>
public static class AuditActors
{
    /// <summary>Latchkey itself, e.g. pausing a member's codes after too many wrong ones.</summary>
    public const string Latchkey = "latchkey";

    /// <summary>The member the event is about, acting with its own token (unlinking one of its identities).</summary>
    public const string Member = "member";
}

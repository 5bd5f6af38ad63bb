namespace Latchkey.Core.Audit;

/// <summary>Actors that are not an API key or the command line.</summary>
public static class AuditActors
{
    /// <summary>Latchkey itself, e.g. pausing a member's codes after too many wrong ones.</summary>
    public const string Latchkey = "latchkey";
}

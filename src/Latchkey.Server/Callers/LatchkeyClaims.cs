namespace Latchkey.Server.Callers;

/// <summary>Claims Latchkey puts in its tokens besides the standard ones (docs/tokens.md#the-tokens).</summary>
public static class LatchkeyClaims
{
    /// <summary>The site the token belongs to.</summary>
    public const string Site = "site";

    /// <summary><c>visitor</c> or <c>member</c>.</summary>
    public const string Role = "role";

    public const string VisitorRole = "visitor";
    public const string MemberRole = "member";

    /// <summary>Transaction property set while signing in a visitor, so that no handler writes a row for it.</summary>
    public const string StatelessTransaction = ".latchkey_stateless";
}

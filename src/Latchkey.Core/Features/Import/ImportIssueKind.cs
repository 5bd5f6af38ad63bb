namespace Latchkey.Core.Features.Import;

public enum ImportIssueKind
{
    /// <summary>The row is malformed or breaks a rule; nothing was written for it.</summary>
    Invalid,

    /// <summary>The email already belongs to a member of the site (or appeared earlier in the file).</summary>
    Duplicate,
}

using Latchkey.Core.Clients;
using Latchkey.Core.Sites;

namespace Latchkey.Server.Callers;

/// <summary>Who is calling, and for which site.</summary>
public sealed record Caller(Site Site, string? Subject, string? Role, ApiKey? ApiKey)
{
    /// <summary>The client the access token was issued to.</summary>
    public string? ClientId { get; init; }

    /// <summary>The member session of a member token (<c>sid</c>).</summary>
    public Guid? SessionId { get; init; }

    public bool IsVisitor => ApiKey is null && Role == LatchkeyClaims.VisitorRole;

    public bool IsMember => ApiKey is null && Role == LatchkeyClaims.MemberRole && SessionId is not null;

    public Guid? MemberId => IsMember && Guid.TryParse(Subject, out var id) ? id : null;

    public bool CanSignOn => ApiKey is { } key && key.Permissions.HasFlag(ApiKeyPermissions.SignOn);
}

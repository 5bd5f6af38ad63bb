using Latchkey.Core.Clients;

namespace Latchkey.Server.Admin;

/// <summary>
/// Who runs an admin operation: an API key over REST (<c>api-key:&lt;id&gt;</c>, limited to its site unless it holds
/// <see cref="ApiKeyPermissions.ServerAdmin"/>), or the operator at the command line (<c>cli</c>, every site).
/// </summary>
public sealed record AdminActor(string Name, Guid? SiteId, bool ServerWide)
{
    public static AdminActor Cli { get; } = new("cli", null, ServerWide: true);

    public static AdminActor For(ApiKey key) =>
        new($"api-key:{key.Id}", key.SiteId, key.Permissions.HasFlag(ApiKeyPermissions.ServerAdmin));

    /// <summary>Whether this actor may act on the site: its own, or any for the CLI and server-admin keys.</summary>
    public bool CanReach(Guid siteId) => ServerWide || SiteId == siteId;
}

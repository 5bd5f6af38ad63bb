namespace Latchkey.Core.Clients;
/// <summary>A trusted backend's credential. The key is shown once; only its digest is stored.</summary>
public sealed class ApiKey
{
    public const string Prefix = "lk_";

    public Guid Id { get; init; }
    public Guid SiteId { get; init; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; init; }
    public int KeyVersion { get; init; }
    public ApiKeyPermissions Permissions { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
}

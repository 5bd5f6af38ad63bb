namespace Latchkey.Core.Sites;
/// <summary>
/// A site's own mail server (docs/sites.md#one-server-many-sites: a site owns its email settings). When a site has
/// none, mail goes through the global <c>Latchkey:Email</c> settings, and without those into <c>.eml</c> files. The
/// password is sealed at rest (AES-GCM under a key derived for this purpose only) and never returned by the API.
/// </summary>
public sealed class SiteEmailSettings
{
    public Guid SiteId { get; init; }
    public required string Host { get; set; }
    public int Port { get; set; }
    public SmtpSecurity Security { get; set; }
    public string? UserName { get; set; }
    public byte[]? SealedPassword { get; set; }

    /// <summary>The sender, e.g. <c>Site &lt;no-reply@site.example&gt;</c>; null uses the global sender.</summary>
    public string? From { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

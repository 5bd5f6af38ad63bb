namespace Latchkey.Server.Configuration;

/// <summary>The root <c>Latchkey</c> section. Every key is listed in <c>docs/configuration.md</c>.</summary>
public sealed class LatchkeyOptions
{
    public const string Section = "Latchkey";

    /// <summary>Where the SQLite file, the master key and bootstrap.json live. Default <c>./data</c> or <c>LATCHKEY_DATA_DIR</c>.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Base64 of 32 bytes. Default: generated once into <c>&lt;data dir&gt;/master.key</c>.</summary>
    public string? MasterKey { get; set; }

    /// <summary>The base of absolute URLs Latchkey hands out. Default: the request's own scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Largest request body accepted, in bytes. Default 64 KiB: no auth request needs more.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    public BootstrapOptions Bootstrap { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public CacheOptions Cache { get; set; } = new();

    public SigningKeyOptions SigningKeys { get; set; } = new();

    public NewSiteCaptchaOptions Captcha { get; set; } = new();

    public NetworkOptions Network { get; set; } = new();

    public OutboundOptions Outbound { get; set; } = new();
}

/// <summary><c>Latchkey:Captcha</c>: what a new site's CAPTCHA policy starts as (each site changes its own afterwards).</summary>
public sealed class NewSiteCaptchaOptions
{
    /// <summary>
    /// <c>risk</c> (default, issue #21: failed logins lead to the built-in ALTCHA challenge, never to a lockout),
    /// <c>always</c> or <c>off</c> (then an attacked account is slowed down with 429 for the rest of its window).
    /// </summary>
    public Core.AbuseProtection.CaptchaMode DefaultMode { get; set; } = Core.AbuseProtection.CaptchaMode.Risk;
}

/// <summary><c>Latchkey:Network</c>: where client addresses come from.</summary>
public sealed class NetworkOptions
{
    /// <summary>
    /// Proxies and load balancers (addresses or CIDR ranges, e.g. <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed. Empty (the default): the headers are ignored and the peer address counts.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How many proxies in a row may add to <c>X-Forwarded-For</c> (the closest ones, all listed). Default 1.</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary><c>Latchkey:Outbound</c>: where admin-set URLs and hosts (CAPTCHA verify URL, site SMTP host) may connect.</summary>
public sealed class OutboundOptions
{
    /// <summary>
    /// Networks (CIDR, e.g. <c>10.1.0.0/16</c>, or single addresses) that admin-set destinations may reach although they
    /// are loopback, private, link-local or otherwise not public. Empty (the default): only public addresses.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary><c>Latchkey:SigningKeys</c>: how the access-token signing keys reach every node (decision 0012).</summary>
public sealed class SigningKeyOptions
{
    /// <summary>
    /// Seconds between two reads of the signing keys, from 1 to 3600. Default 60. A new key signs only after two
    /// intervals, so every node sharing the database must use the same value.
    /// </summary>
    public int CheckSeconds { get; set; } = 60;

    public TimeSpan CheckInterval => TimeSpan.FromSeconds(Math.Clamp(CheckSeconds, 1, 3600));

    /// <summary>How long a new key is published before it signs: two intervals, so every node has read it by then.</summary>
    public TimeSpan PropagationDelay => 2 * CheckInterval;
}

/// <summary><c>Latchkey:Cache</c>: how long each node keeps rarely changing records. Zero turns a cache off.</summary>
public sealed class CacheOptions
{
    /// <summary>Sites (policies). Default 5 s: a policy change on another node applies within this.</summary>
    public int SiteSeconds { get; set; } = 5;

    /// <summary>OAuth clients (allow-lists, kind). Default 30 s.</summary>
    public int ClientSeconds { get; set; } = 30;
}

/// <summary><c>Latchkey:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary><c>Sqlite</c> (one node, the default) or <c>PostgreSql</c> (many nodes, decision 0011).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// SQLite: default <c>&lt;data dir&gt;/latchkey.db</c>. PostgreSQL: required, an Npgsql connection string; a
    /// connect timeout of 3 s and a command timeout of 15 s are added where it sets none.
    /// </summary>
    public string? ConnectionString { get; set; }
}
/// <summary><c>Latchkey:Bootstrap</c>: what the first start creates (docs/sites.md#bootstrap).</summary>
public sealed class BootstrapOptions
{
    public string SiteName { get; set; } = "Default site";

    public static readonly IReadOnlyList<string> DefaultAllowedOrigins = ["http://localhost:3000"];
    public static readonly IReadOnlyList<string> DefaultRedirectUris = ["http://localhost:3000/callback", "http://localhost:3000/after-reset"];

    /// <summary>Origins the bootstrap client allows. Empty means <see cref="DefaultAllowedOrigins"/>; a configured list replaces it.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Exact redirect URIs of the bootstrap client. Empty means <see cref="DefaultRedirectUris"/>; a configured list replaces it.</summary>
    public List<string> RedirectUris { get; set; } = [];

    // The binder appends to a list that already has items, so defaults are applied here, not as initial values.
    public IReadOnlyList<string> EffectiveAllowedOrigins => AllowedOrigins.Count > 0 ? AllowedOrigins : DefaultAllowedOrigins;

    public IReadOnlyList<string> EffectiveRedirectUris => RedirectUris.Count > 0 ? RedirectUris : DefaultRedirectUris;
}

namespace Latchkey.Server.Hosting;

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
}

/// <summary><c>Latchkey:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>A SQLite connection string. Default: <c>&lt;data dir&gt;/latchkey.db</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary><c>Latchkey:Bootstrap</c>: what the first start creates (decisions §1).</summary>
public sealed class BootstrapOptions
{
    public string SiteName { get; set; } = "Default site";

    public List<string> AllowedOrigins { get; set; } = ["http://localhost:3000"];

    public List<string> RedirectUris { get; set; } = ["http://localhost:3000/callback", "http://localhost:3000/after-reset"];
}

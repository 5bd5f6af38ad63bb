using System.Net;

namespace Latchkey.Server.Observability;

/// <summary><c>Latchkey:Metrics</c>: the Prometheus scrape endpoint <c>/metrics</c> (docs/observability.md).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Latchkey:Metrics";

    public static readonly IReadOnlyList<string> DefaultAllowedNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>Maps <c>/metrics</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// CIDR ranges (or single addresses) that may scrape. Empty means <see cref="DefaultAllowedNetworks"/> (loopback);
    /// a configured list replaces it. Anyone else gets the same 404 as an unknown path.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    public IReadOnlyList<string> EffectiveAllowedNetworks => AllowedNetworks.Count > 0 ? AllowedNetworks : DefaultAllowedNetworks;

    /// <summary>Parses <see cref="EffectiveAllowedNetworks"/>; false when one entry is neither a CIDR range nor an address.</summary>
    public bool TryGetNetworks(out IReadOnlyList<IPNetwork> networks)
    {
        var parsed = new List<IPNetwork>();
        networks = parsed;
        foreach (var entry in EffectiveAllowedNetworks)
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                parsed.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                parsed.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>Latchkey:Telemetry</c>: where traces, metrics and logs are pushed over OTLP. Off unless an endpoint is set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Latchkey:Telemetry";

    /// <summary>The collector's base URL, e.g. <c>http://127.0.0.1:4317</c>. Default none: nothing is pushed.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (default, port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "Grpc";
}

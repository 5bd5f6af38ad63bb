using System.Net;
using System.Net.Sockets;
using Latchkey.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Outbound;

/// <summary>A destination an admin set resolves to no address Latchkey may connect to.</summary>
public sealed class DestinationNotAllowedException(string host)
    : IOException($"'{host}' resolves to no public address, and Latchkey:Outbound:AllowedNetworks does not allow it.")
{
    public string Host { get; } = host;
}

/// <summary>
/// Where URLs and hosts set through the admin API may take the server (issue #21, server-side request forgery): not to
/// loopback, private, link-local (cloud metadata), shared, multicast or reserved addresses, unless
/// <c>Latchkey:Outbound:AllowedNetworks</c> lists the network. Checked twice: when the value is saved (a clear
/// validation error) and at every connection, on the addresses the name resolves to then, so a name that later points
/// elsewhere still cannot reach them. Redirects are never followed.
/// </summary>
public sealed class OutboundPolicy
{
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("100::/64"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public OutboundPolicy(IOptions<LatchkeyOptions> options)
    {
        var allowed = new List<IPNetwork>();
        foreach (var entry in options.Value.Outbound.AllowedNetworks)
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                allowed.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                allowed.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new StartupException($"Latchkey:Outbound:AllowedNetworks has '{entry}', which is neither an address nor a CIDR range.");
            }
        }

        _allowed = allowed;
    }

    /// <summary>Whether the server may connect to this address.</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (_allowed.Any(n => n.Contains(address) || (address.IsIPv4MappedToIPv6 && n.Contains(address.MapToIPv4()))))
        {
            return true;
        }

        return Embedded(address) is { } v4 ? IsAllowed(v4) : !NonPublic.Any(n => n.Contains(address));
    }

    /// <summary>
    /// The check when a host is saved: an address literal, or a name whose current addresses, are all allowed. A name
    /// that does not resolve now is accepted (it may be an internal name of a later deployment); the connection checks
    /// it again.
    /// </summary>
    public async Task<bool> IsAllowedHostAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        if (IPAddress.TryParse(bare, out var literal))
        {
            return IsAllowed(literal);
        }

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            addresses = await Dns.GetHostAddressesAsync(bare, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException && !cancellationToken.IsCancellationRequested)
        {
            return true;
        }

        return addresses.All(IsAllowed);
    }

    /// <summary>
    /// Resolves <paramref name="host"/> and connects to its first allowed address (the name stays the TLS server name).
    /// Throws <see cref="DestinationNotAllowedException"/> when no address is allowed.
    /// </summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, cancellationToken);
        var allowed = addresses.Where(IsAllowed).ToList();
        if (allowed.Count == 0)
        {
            throw new DestinationNotAllowedException(host);
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw last!;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> that applies the policy to every HTTP connection.</summary>
    public async ValueTask<Stream> ConnectCallbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true);

    /// <summary>An IPv4 address carried inside an IPv6 one (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), or null.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}

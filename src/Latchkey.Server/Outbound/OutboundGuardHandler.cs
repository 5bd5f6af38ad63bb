using System.Net;
using System.Net.Sockets;

namespace Latchkey.Server.Outbound;

/// <summary>
/// The outbound policy for an HTTP stack whose primary handler Latchkey cannot replace (OpenIddict's client insists on
/// its own <see cref="HttpClientHandler"/>, which has no connect callback): before each request, every address the
/// host resolves to now must be allowed, or the request is refused without a connection. Weaker than
/// <see cref="OutboundPolicy.ConnectCallbackAsync"/>, which connects to the address it checked: a name re-pointed between
/// this check and the handler's own resolution (DNS rebinding) is not caught here.
/// </summary>
public sealed class OutboundGuardHandler(OutboundPolicy policy) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri?.IdnHost ?? throw new InvalidOperationException("A request without an absolute URI.");
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException($"{host} does not resolve.", e);
        }

        if (addresses.Length == 0 || !addresses.All(policy.IsAllowed))
        {
            throw new HttpRequestException($"{host} leads to an address Latchkey:Outbound does not allow.", new DestinationNotAllowedException(host));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

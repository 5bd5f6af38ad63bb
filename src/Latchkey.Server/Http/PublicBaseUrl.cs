using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Http;

/// <summary>
/// The base of absolute URLs Latchkey hands out (redirect sessions, recovery links): <c>Latchkey:PublicBaseUrl</c>,
/// else the request's own scheme and host. Behind a proxy, configure it: forwarded headers are not trusted blindly.
/// </summary>
public sealed class PublicBaseUrl(IOptions<LatchkeyOptions> options)
{
    public string For(HttpRequest request) =>
        options.Value.PublicBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{request.Scheme}://{request.Host.Value}";
}

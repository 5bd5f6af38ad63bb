using Latchkey.Server.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Http;

/// <summary>
/// The base of absolute URLs Latchkey hands out: <c>Latchkey:PublicBaseUrl</c> when configured.
/// Unconfigured, URLs returned to the caller itself (redirect sessions) use the request's own scheme and host, but
/// links sent out of band (recovery and activation emails) never do: the Host header is the caller's to choose, and a
/// forged one would make the victim's email carry the reset token to the attacker's host (host header poisoning).
/// Those use the server's first listening address instead, which is right for the embedded default on one box.
/// </summary>
public sealed partial class PublicBaseUrl(IOptions<LatchkeyOptions> options, IServer server, ILogger<PublicBaseUrl> logger)
{
    private string? _listening;

    /// <summary>For URLs answered to the caller that asked.</summary>
    public string For(HttpRequest request) => Configured ?? $"{request.Scheme}://{request.Host.Value}";

    /// <summary>For links that leave through another channel (email): never derived from the request.</summary>
    public string ForEmail() => Configured ?? (_listening ??= Listening());

    private string? Configured => options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : null;

    private string Listening()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        // A wildcard bind is not an address a member can open; localhost is what the embedded default means.
        var url = address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        LogNotConfigured(logger, url);
        return url;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Latchkey:PublicBaseUrl is not configured; emailed links use {BaseUrl}. Set it to the URL members reach Latchkey at.")]
    private static partial void LogNotConfigured(ILogger logger, string baseUrl);
}

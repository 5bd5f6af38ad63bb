using Latchkey.Server.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Http;

/// <summary>
/// Security headers on every answer (issue #21), not only on the hosted pages: no sniffing, no referrer, and unless
/// the endpoint set its own policy (the hosted pages, the API reference, the web_message page) a policy that allows
/// nothing and no framing, the right one for JSON. Over HTTPS, Strict-Transport-Security too.
/// </summary>
public static class SecurityHeaders
{
    public const string DenyAll = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page: its script, styles and fonts are served by Latchkey (the Scalar bundle configures itself
    /// inline), it fetches only the server's own OpenAPI document, and it is never framed.
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (!headers.ContainsKey("Referrer-Policy"))
            {
                headers["Referrer-Policy"] = "no-referrer";
            }

            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(Hosting.ApiReference.ReferencePath, StringComparison.OrdinalIgnoreCase)
                    ? ApiReferencePolicy
                    : DenyAll;
                headers.XFrameOptions = "DENY";
            }

            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from the proxies listed in <c>Latchkey:Network:TrustedProxies</c>
    /// only (issue #21): behind a load balancer every limit then keys on the real client, and nobody else can choose the
    /// address they are counted by. With no proxy listed the headers are ignored.
    /// </summary>
    public static IApplicationBuilder UseLatchkeyForwardedHeaders(this IApplicationBuilder app)
    {
        var network = app.ApplicationServices.GetRequiredService<IOptions<LatchkeyOptions>>().Value.Network;
        if (network.TrustedProxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = Math.Max(1, network.ForwardLimit),
        };
        // The defaults trust loopback; only what is listed counts.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in network.TrustedProxies)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var range))
            {
                options.KnownIPNetworks.Add(range);
            }
            else if (System.Net.IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new StartupException($"Latchkey:Network:TrustedProxies has '{entry}', which is neither an address nor a CIDR range.");
            }
        }

        return app.UseForwardedHeaders(options);
    }
}

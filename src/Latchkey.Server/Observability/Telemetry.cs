using System.Net;
using Latchkey.Core.Observability;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Latchkey.Server.Observability;

/// <summary>
/// OpenTelemetry for Latchkey (docs/observability.md): the <c>Latchkey</c> meter (logins, registrations, sign-ons,
/// tokens, emails, throttling, password hashing), ASP.NET Core's and the runtime's meters, all scraped at
/// <c>/metrics</c> from the allowed networks only; traces and an OTLP push when <c>Latchkey:Telemetry:OtlpEndpoint</c>
/// is set.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddLatchkeyTelemetry(this IServiceCollection services)
    {
        // Every series from the first scrape on, the idle gauges as 0 (docs/observability.md).
        LatchkeyMetrics.EnsureCreated();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.TryGetNetworks(out _), "Latchkey:Metrics:AllowedNetworks: every entry must be a CIDR range (10.0.0.0/8) or an address.")
            .ValidateOnStart();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("latchkey", serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(3)))
            .WithMetrics(metrics => metrics
                .AddMeter(LatchkeyMetrics.Name)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // Scrapes are rare and each should see the latest counts, so the exporter keeps no cached answer.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>
    /// Traces, and every signal pushed to a collector, only when an OTLP endpoint is configured: read from the
    /// builder's configuration (appsettings, <c>Latchkey__Telemetry__OtlpEndpoint</c>, the command line).
    /// </summary>
    public static WebApplicationBuilder AddLatchkeyOtlpExporter(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            return builder;
        }

        if (!Enum.TryParse<OtlpExportProtocol>(options.OtlpProtocol, ignoreCase: true, out var protocol) ||
            !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                "Latchkey:Telemetry:OtlpEndpoint must be an absolute http(s) URL and Latchkey:Telemetry:OtlpProtocol Grpc or HttpProtobuf.");
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(LatchkeyMetrics.Name)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsProbe(context.Request.Path)))
            .UseOtlpExporter(protocol, endpoint);
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> unless <c>Latchkey:Metrics:Enabled</c> is false.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled || !options.TryGetNetworks(out var networks))
        {
            return app;
        }

        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use((context, next) =>
        {
            if (IsAllowed(context.Request, networks))
            {
                return next(context);
            }

            // The same answer as a path that does not exist: nothing tells an outsider that metrics are here.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null)
            // A scrape is a GET; the operational endpoint stays out of the OpenAPI document.
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Headers a proxy adds; <c>X-Original-For</c> is where ASP.NET Core's forwarded-headers middleware
    /// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>) moves the real peer after taking the address from the request.
    /// </summary>
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Original-For", "X-Real-IP"];

    /// <summary>
    /// A scrape must come straight from an allowed address. A request that passed through a proxy (it carries a
    /// forwarding header) is refused even from loopback: a reverse proxy on the same host would otherwise make every
    /// public request look local, and with forwarded headers enabled the address itself is the sender's claim. No
    /// address (a Unix socket) is refused for the same reason.
    /// </summary>
    internal static bool IsAllowed(HttpRequest request, IReadOnlyList<IPNetwork> networks)
    {
        if (request.HttpContext.Connection.RemoteIpAddress is not { } address || ForwardingHeaders.Any(request.Headers.ContainsKey))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return networks.Any(network => network.Contains(address));
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}

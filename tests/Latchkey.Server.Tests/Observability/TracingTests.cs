using System.Net;
using System.Net.Sockets;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Latchkey.Server.Tests.Observability;

/// <summary>Traces leave only for a configured collector (docs/observability.md#traces), here a listener on loopback.</summary>
public class TracingTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_a_logins_spans_reach_the_collector()
    {
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveAsync(collector);
        using var app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["Latchkey:Telemetry:OtlpProtocol"] = "HttpProtobuf",
        });
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("gil@example.com")).EnsureSuccessStatusCode();
        (await client.LoginAsync("gil@example.com")).EnsureSuccessStatusCode();

        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        var (path, body) = await received.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("/v1/traces", path);
        Assert.Contains("latchkey.login", body, StringComparison.Ordinal);
        Assert.Contains("latchkey.password_hashing", body, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse battery", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_endpoint_no_tracer_is_registered()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void A_malformed_collector_setting_stops_the_start()
    {
        using var app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318",
            ["Latchkey:Telemetry:OtlpProtocol"] = "CarrierPigeon",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Latchkey:Telemetry:OtlpProtocol", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The first trace export: its path and its protobuf body read as text (span names are plain UTF-8).</summary>
    private static async Task<(string Path, string Body)> ReceiveAsync(HttpListener collector)
    {
        while (true)
        {
            var context = await collector.GetContextAsync();
            using var memory = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(memory);
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (context.Request.Url!.AbsolutePath == "/v1/traces")
            {
                return (context.Request.Url.AbsolutePath, Encoding.UTF8.GetString(memory.ToArray()));
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

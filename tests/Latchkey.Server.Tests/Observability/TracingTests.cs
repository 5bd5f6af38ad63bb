using System.Net;
using System.Net.Sockets;
using System.Text;
using Latchkey.Testing;
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
        var received = new Exports(collector);
        using var app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["Latchkey:Telemetry:OtlpProtocol"] = "HttpProtobuf",
        });
        using var client = await app.VisitorClientAsync();
        (await client.RegisterAsync("gil@example.com")).EnsureSuccessStatusCode();
        (await client.LoginAsync("gil@example.com")).EnsureSuccessStatusCode();

        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        // The batch exporter may have sent register's spans on its timer before login ran, so wait on
        // everything the collector got rather than on its first export.
        var body = await received.UntilAsync(text => text.Contains("latchkey.login", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
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

    /// <summary>Every trace export the collector received, protobuf bodies read as text (span names are plain UTF-8).</summary>
    private sealed class Exports
    {
        private readonly StringBuilder _bodies = new();
        private readonly Task _listening;

        public Exports(HttpListener collector) => _listening = ListenAsync(collector);

        private async Task ListenAsync(HttpListener collector)
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var memory = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(memory);
                context.Response.StatusCode = 200;
                context.Response.Close();
                if (context.Request.Url!.AbsolutePath == "/v1/traces")
                {
                    lock (_bodies)
                    {
                        _bodies.Append(Encoding.UTF8.GetString(memory.ToArray()));
                    }
                }
            }
        }

        /// <summary>All bodies so far once <paramref name="done"/> holds, or whatever arrived when time runs out.</summary>
        public async Task<string> UntilAsync(Func<string, bool> done, TimeSpan timeout)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                string text;
                lock (_bodies)
                {
                    text = _bodies.ToString();
                }

                if (done(text) || waited.Elapsed > timeout)
                {
                    return text;
                }

                if (_listening.IsFaulted)
                {
                    await _listening; // the collector's own failure, rather than a timeout
                }

                await Task.Delay(100);
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

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// Issue #10.3: SIGTERM stops the listener at once (new connections are refused), lets requests already in flight
/// finish, and the process exits within the host's shutdown timeout even when a client never finishes its request.
/// The request is written by hand on a socket so that it can be held half sent across the signal.
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("latchkey-shutdown-").FullName;

    private static readonly byte[] Body = """{"email":"ann@example.com"}"""u8.ToArray();

    [Fact]
    public async Task Sigterm_lets_an_in_flight_request_finish_refuses_new_connections_then_exits_cleanly()
    {
        using var node = await ServerNode.StartAsync(new() { ["LATCHKEY_DATA_DIR"] = _dataDirectory });
        using var slow = await StartHalfSentRequestAsync(node.Url.Port);

        node.Terminate();

        await AssertRefusedAsync(node.Url.Port);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(node.HasExited, "the server exited while a request was still in flight\n" + node.Output);

        var stream = slow.GetStream();
        await stream.WriteAsync(Body.AsMemory(5));
        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("\"valid\":true", response, StringComparison.Ordinal);

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_request_that_never_finishes_does_not_hold_the_process_past_the_shutdown_timeout()
    {
        // The host's own setting (HostOptions.ShutdownTimeout); docs/reliability.md gives the default and the reason.
        using var node = await ServerNode.StartAsync(new() { ["LATCHKEY_DATA_DIR"] = _dataDirectory, ["ASPNETCORE_SHUTDOWNTIMEOUTSECONDS"] = "3" });
        using var stuck = await StartHalfSentRequestAsync(node.Url.Port);
        var clock = Stopwatch.StartNew();

        node.Terminate();

        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(exitCode is not null, "still running 15 s after SIGTERM\n" + node.Output);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.5), $"exited after {clock.Elapsed}: it did not wait for the request in flight");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"exited after {clock.Elapsed}, long past the 3 s timeout");
    }

    /// <summary>Headers and the first bytes of the body: the endpoint is running, waiting for the rest.</summary>
    private static async Task<TcpClient> StartHalfSentRequestAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var head = "POST /_api/iam/authentication/v2/validate-email HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n";
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Body.AsMemory(0, 5));
        await stream.FlushAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return client;
    }

    private static async Task AssertRefusedAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The probe reached the accept queue just as the listener closed, and the kernel reset it: not served,
                // and the next probe meets the closed port.
            }

            await Task.Delay(50);
        }

        Assert.Fail("new connections were still accepted 5 s after SIGTERM");
    }

    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains('}', StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using netDumbster.smtp;

namespace Latchkey.Testing;

/// <summary>A real SMTP listener on loopback, and the settings that point Latchkey's MailKit transport at it.</summary>
public sealed class SmtpMailbox : IDisposable
{
    private readonly SimpleSmtpServer _server = SimpleSmtpServer.Start(FreePort());
    private readonly HashSet<string> _seen = [];

    public Dictionary<string, string?> Settings => new()
    {
        ["Latchkey:Email:Smtp:Host"] = "127.0.0.1",
        ["Latchkey:Email:Smtp:Port"] = _server.Configuration.Port.ToString(CultureInfo.InvariantCulture),
        ["Latchkey:Email:Smtp:Security"] = "None",
        ["Latchkey:Email:From"] = "Latchkey <no-reply@example.com>",
    };

    public int Port => _server.Configuration.Port;

    /// <summary>The sender address of every message to <paramref name="to"/> received so far.</summary>
    public IReadOnlyList<string> SendersTo(string to) =>
        [.. _server.ReceivedEmail.Where(m => m.ToAddresses.Any(a => a.Address == to)).Select(m => m.FromAddress.Address)];

    public int CountTo(string to) => _server.ReceivedEmail.Count(m => m.ToAddresses.Any(a => a.Address == to));

    /// <summary>The body of a message to <paramref name="to"/> not returned before (arrival order is not kept).</summary>
    public async Task<string> NextBodyAsync(string to)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            var fresh = _server.ReceivedEmail.Where(m => m.ToAddresses.Any(a => a.Address == to))
                .Select(m => m.MessageParts[0].BodyData).FirstOrDefault(body => !_seen.Contains(body));
            if (fresh is not null)
            {
                _seen.Add(fresh);
                return fresh;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No new email to {to} arrived over SMTP.");
    }

    public void Dispose() => _server.Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

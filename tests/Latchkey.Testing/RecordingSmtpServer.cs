using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Latchkey.Testing;

/// <summary>One message as the wire carried it, with the credentials the client authenticated with.</summary>
public sealed record RecordedMail(string? UserName, string? Password, string MailFrom, IReadOnlyList<string> RcptTo, string Data);

/// <summary>
/// A minimal SMTP server on loopback that requires AUTH PLAIN and records what it was given. netDumbster accepts any
/// credentials without keeping them. This server keeps them, so a test can prove which user name and password were
/// used for which site's mail.
/// </summary>
public sealed class RecordingSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public RecordingSmtpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<RecordedMail> Messages { get; } = new();

    public async Task<RecordedMail> WaitForAsync(string to)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (Messages.FirstOrDefault(m => m.RcptTo.Any(r => r.Contains(to, StringComparison.OrdinalIgnoreCase))) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No mail to {to} reached the recording SMTP server.");
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            string? user = null, password = null, from = "";
            var rcpt = new List<string>();
            await writer.WriteLineAsync("220 localhost ESMTP recorder");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-localhost\r\n250 AUTH PLAIN\r\n");
                        break;
                    case "AUTH":
                        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        var payload = parts.Length > 2 ? parts[2] : await PromptAsync(reader, writer);
                        var fields = Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Split('\0');
                        (user, password) = (fields[1], fields[2]);
                        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                        break;
                    case "MAIL":
                        if (user is null)
                        {
                            await writer.WriteLineAsync("530 5.7.0 Authentication required");
                            break;
                        }

                        from = line[10..];
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        rcpt.Add(line[8..]);
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine).Append("\r\n");
                        }

                        Messages.Enqueue(new RecordedMail(user, password, from, [.. rcpt], data.ToString()));
                        rcpt.Clear();
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }
    }

    private static async Task<string> PromptAsync(StreamReader reader, StreamWriter writer)
    {
        await writer.WriteLineAsync("334 ");
        return await reader.ReadLineAsync() ?? "";
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>
/// Real TCP clients from many source addresses: Latchkey runs on Kestrel, and each client binds its socket to its
/// own 127.0.0.N before connecting (all of 127/8 is loopback on Linux), so the server sees distinct peers.
/// </summary>
public static class ManyAddresses
{
    public static Uri StartKestrel(this LatchkeyApp app)
    {
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    public static HttpClient ClientFrom(Uri server, int lastOctet, string? authorization = null, bool followRedirects = true)
    {
        var local = new IPAddress([127, 0, 0, (byte)lastOctet]);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = followRedirects,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = server };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        return client;
    }
}

/// <summary>Solves an ALTCHA challenge the way the widget does: try every number until SHA-256(salt + n) matches.</summary>
public static class AltchaSolver
{
    public static async Task<string> SolveAsync(HttpClient client, string clientId)
    {
        var challenge = await client.GetFromJsonAsync<JsonElement>($"/_api/latchkey/captcha/v1/altcha-challenge?clientId={clientId}");
        var salt = challenge.GetProperty("salt").GetString()!;
        var target = challenge.GetProperty("challenge").GetString()!;
        var max = challenge.GetProperty("maxnumber").GetInt32();
        for (var n = 0; n <= max; n++)
        {
            if (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + n))) == target)
            {
                var payload = new { algorithm = "SHA-256", challenge = target, number = n, salt, signature = challenge.GetProperty("signature").GetString() };
                return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(payload));
            }
        }

        throw new InvalidOperationException("The challenge has no solution up to maxnumber.");
    }
}

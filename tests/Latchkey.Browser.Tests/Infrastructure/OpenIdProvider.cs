using System.Diagnostics;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// A real upstream OpenID Provider for the social sign-in journeys: npm's oidc-provider, started from
/// <c>tests/conformance/oidc-provider.mjs</c> (its node_modules, installed by scripts/test.sh) on a free loopback port,
/// with its development login pages: any login name signs in as that account, whose email it is.
/// </summary>
public sealed class OpenIdProvider : IDisposable
{
    private readonly Process _node;

    private OpenIdProvider(Process node, string issuer, string clientId, string clientSecret)
    {
        _node = node;
        Issuer = issuer;
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public string Issuer { get; }
    public string ClientId { get; }
    public string ClientSecret { get; }

    public static async Task<OpenIdProvider> StartAsync(string redirectUri)
    {
        var directory = RepoPaths.Of("tests", "conformance");
        var node = Process.Start(new ProcessStartInfo("node", ["oidc-provider.mjs", redirectUri])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("node did not start");
        var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null)
        {
            throw new InvalidOperationException($"oidc-provider did not start: {await node.StandardError.ReadToEndAsync()}");
        }

        var started = JsonDocument.Parse(line).RootElement;
        return new OpenIdProvider(node, started.GetProperty("issuer").GetString()!, started.GetProperty("clientId").GetString()!,
            started.GetProperty("clientSecret").GetString()!);
    }

    public void Dispose()
    {
        if (!_node.HasExited)
        {
            _node.Kill(entireProcessTree: true);
            _node.WaitForExit(5_000);
        }

        _node.Dispose();
    }
}

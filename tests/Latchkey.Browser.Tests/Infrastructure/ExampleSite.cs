using System.Diagnostics;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// The example headless site (<c>examples/wix-headless-site</c>), built from its sources with npm and esbuild once per
/// test run, served as static files on its own loopback origin with a <c>config.js</c> that names the Latchkey under
/// test and the site's client: the two values docs/wix-sdk.md's quick start has a developer set.
/// </summary>
public sealed class ExampleSite : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync);
    private readonly WebApplication _server;

    private ExampleSite(WebApplication server, string origin)
    {
        _server = server;
        Origin = origin;
    }

    /// <summary><c>http://127.0.0.2:port</c>: another origin, and another site, than Latchkey's 127.0.0.1.</summary>
    public string Origin { get; }

    /// <summary>The site's client at Latchkey, read by <c>config.js</c> at each request: set it once the client is registered.</summary>
    public string ClientId { get; set; } = "";

    public static async Task<ExampleSite> StartAsync(string latchkeyUrl, string host = "127.0.0.2")
    {
        var dist = await Built.Value;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{host}:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ExampleSite? site = null;
        app.MapGet("/config.js", () => Results.Text(
            $$"""window.LATCHKEY_SITE = { latchkeyUrl: '{{latchkeyUrl}}', clientId: '{{site!.ClientId}}' };""", "text/javascript; charset=utf-8"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = new PhysicalFileProvider(dist) });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(dist) });
        await app.StartAsync();
        return site = new ExampleSite(app, app.Urls.First().TrimEnd('/'));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task<string> BuildAsync()
    {
        var directory = Path.Combine(RepoPaths.Root, "examples", "wix-headless-site");
        // npm ci when node_modules is missing or was installed from another package-lock.json (a dependency changed).
        var lockFile = Path.Combine(directory, "package-lock.json");
        var installed = Path.Combine(directory, "node_modules", ".latchkey-package-lock.json");
        if (!File.Exists(installed) || File.ReadAllText(installed) != File.ReadAllText(lockFile))
        {
            await RunAsync(directory, "npm", "ci --no-audit --no-fund");
            File.Copy(lockFile, installed, overwrite: true);
        }

        await RunAsync(directory, "npm", "run build");
        return Path.Combine(directory, "dist");
    }

    private static async Task RunAsync(string directory, string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} in {directory} failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

}

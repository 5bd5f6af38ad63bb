using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.Server.Hosting;
using Latchkey.Testing;

// The server runs out of process here, so a plain HttpClient is the right tool (the ban targets server code).
#pragma warning disable RS0030

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// The settings every node of one PostgreSQL deployment shares: the provider, the connection string and the master
/// key, plus whatever a test adds. Each node still gets its own data directory.
/// </summary>
public sealed class Deployment(string connectionString, Dictionary<string, string>? settings = null)
{
    public string ConnectionString { get; } = connectionString;

    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Dictionary<string, string> Environment(string dataDirectory)
    {
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            ["LATCHKEY_DATA_DIR"] = dataDirectory,
            ["Latchkey__Storage__Provider"] = "PostgreSql",
            ["Latchkey__Storage__ConnectionString"] = ConnectionString,
            ["Latchkey__MasterKey"] = MasterKey,
        };
        return environment;
    }

    /// <summary>Runs <c>migrate</c> to its end, as an operator does once per release; answers what it bootstrapped.</summary>
    public async Task<BootstrapValues> MigrateAsync(string dataDirectory)
    {
        var (exitCode, output) = await ServerNode.RunToExitAsync(["migrate"], Environment(dataDirectory));
        Assert.True(exitCode == 0, output);
        return JsonSerializer.Deserialize<BootstrapValues>(
            await File.ReadAllTextAsync(Path.Combine(dataDirectory, "bootstrap.json")), JsonSerializerOptions.Web)!;
    }
}

/// <summary>
/// One node: the Release server binary on its own loopback port, started and stopped as a process, with an
/// <see cref="HttpClient"/> that does not follow redirects (authorize answers with one).
/// </summary>
public sealed class ServerNode : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerNode(Process process, Uri url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGTERM, as systemd, Docker and Kubernetes do to stop a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end; answers its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServerNode> StartAsync(Dictionary<string, string> environment)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var node = new ServerNode(Process.Start(Info(["--urls", url.ToString().TrimEnd('/')], environment))!, url);
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(node.HasExited, node.Output);
            try
            {
                if ((await node.Http.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        node.Dispose();
        throw new TimeoutException("The node did not answer within 60 s:\n" + node.Output);
    }

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        using var process = Process.Start(Info(arguments, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>A visitor access token from this node's anonymous grant.</summary>
    public async Task<string> VisitorTokenAsync(string clientId)
    {
        var response = await Http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "anonymous" });
        return (await response.TokensAsync()).AccessToken;
    }

    /// <summary>Sends one request with the given <c>Authorization</c> header (the client itself carries none).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Session token → authorize (prompt=none) on this node → the code, and the PKCE verifier to redeem it.</summary>
    public async Task<(string Code, string Verifier)> AuthorizeAsync(string clientId, string sessionToken)
    {
        var request = new AuthorizeParameters(clientId, Pkce.New()) { SessionToken = sessionToken };
        return (OAuthFlow.CodeFrom(await Http.GetAsync(request.Url())), request.Pkce.Verifier);
    }

    private static ProcessStartInfo Info(IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latchkey.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

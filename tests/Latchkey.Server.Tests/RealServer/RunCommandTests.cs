using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Latchkey.Testing;

// The server runs out of process here, so a plain HttpClient is the right tool (the ban targets server code).
#pragma warning disable RS0030

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// The README's run command for real: the server binary on Kestrel, a free loopback port through <c>--urls</c>, a
/// fresh data directory, and the acceptance scenario of issue #2 driven by curl (<c>scripts/smoke.sh</c>).
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("latchkey-real-").FullName;

    [Fact]
    public async Task The_server_serves_on_urls_passes_the_curl_scenario_and_keeps_everything_across_a_restart()
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";

        string firstOutput;
        string email;
        using (var server = await ServerProcess.StartAsync(url, _dataDirectory))
        {
            var smoke = await RunAsync("bash", Path.Combine(RepoPaths.Root, "scripts", "smoke.sh"), url, _dataDirectory);
            Assert.True(smoke.ExitCode == 0, smoke.Output);
            email = System.Text.RegularExpressions.Regex.Match(smoke.Output, @"smoke: all passed \((?<email>[^)]+)\)").Groups["email"].Value;
            firstOutput = server.Output;
        }

        // The first start names the site and client; the API key stays in bootstrap.json, since the console is not a
        // terminal here (a service manager or container runtime keeps it as a log).
        var apiKey = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dataDirectory, "bootstrap.json")))
            .RootElement.GetProperty("apiKey").GetString()!;
        Assert.Contains("apiKey:", firstOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, firstOutput, StringComparison.Ordinal);
        Assert.Contains($"Data directory: {_dataDirectory}", firstOutput, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: {url}", firstOutput, StringComparison.Ordinal);

        using (var again = await ServerProcess.StartAsync(url, _dataDirectory))
        {
            // Later starts print nothing secret, and the member registered before the restart can still log in.
            Assert.DoesNotContain("apiKey:", again.Output, StringComparison.Ordinal);
            var clientId = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dataDirectory, "bootstrap.json")))
                .RootElement.GetProperty("clientId").GetString();
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var token = await (await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "anonymous" })).JsonAsync();
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token.GetProperty("access_token").GetString());

            var login = await http.LoginAsync(email);

            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal("SUCCESS", (await login.JsonAsync()).GetProperty("state").GetString());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }


    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    /// <summary>The server binary as an operator runs it, stopped (and waited for) on dispose.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process) => _process = process;

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

        public static async Task<ServerProcess> StartAsync(string url, string dataDirectory)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latchkey.dll"));
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(url);
            info.Environment["LATCHKEY_DATA_DIR"] = dataDirectory;
            var server = new ServerProcess(Process.Start(info)!);
            server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(server._process.HasExited, server.Output);
                try
                {
                    if ((await http.GetAsync("/health/live")).IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            server.Dispose();
            throw new TimeoutException("The server did not answer within 60 s:\n" + server.Output);
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
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}

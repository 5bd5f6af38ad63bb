using System.CommandLine;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Cli.Commands;

/// <summary>
/// <c>serve</c> (the server; also what <c>latchkey</c> alone or with host options only does) and <c>health</c> (asks a
/// running server whether it is ready: the container's health check, where no curl exists).
/// </summary>
internal static class ServeCommands
{
    public static void Add(RootCommand root, TextWriter error)
    {
        // Everything the parser does not know (--urls, --Latchkey:PublicBaseUrl=…, ASP.NET Core's own switches) goes to
        // the host's command-line configuration, as before there was a command line.
        var serve = new Command("serve", "Run the server (the default): 'latchkey serve --urls http://127.0.0.1:8080'; any --key value is configuration.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((parse, _) => LatchkeyServer.RunAsync([.. parse.UnmatchedTokens], parse.GetValue(LatchkeyCli.DataDir), error));
        root.Subcommands.Add(serve);

        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parse, _) =>
        {
            // Host options only ('latchkey --urls …'): the server. A word first is a command that does not exist.
            if (parse.UnmatchedTokens is [var first, ..] && !first.StartsWith('-'))
            {
                await error.WriteLineAsync($"error (usage): '{first}' is not a latchkey command; 'latchkey --help' lists them.");
                return ExitCodes.Usage;
            }

            return await LatchkeyServer.RunAsync([.. parse.UnmatchedTokens], parse.GetValue(LatchkeyCli.DataDir), error);
        });

        var url = new Option<string?>("--url") { Description = "The server's base URL (default: ASPNETCORE_URLS, else ASPNETCORE_HTTP_PORTS on 127.0.0.1, else http://127.0.0.1:5080)." };
        var health = new Command("health", "Ask a running server whether it is ready (GET /health/ready): exit 0 when it is, 1 when not.") { url };
        health.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(url) is { } given && !Uri.TryCreate(given, UriKind.Absolute, out _))
            {
                await error.WriteLineAsync($"error (usage): --url {given} is not an absolute URL.");
                return ExitCodes.Usage;
            }

            var target = new Uri(parse.GetValue(url) is { } configured ? new Uri(configured) : LocalUrl(), "/health/ready");
            using var http = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(target, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return ExitCodes.Ok;
                }

                await error.WriteLineAsync($"{target}: HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await error.WriteLineAsync($"{target}: {e.Message}");
            }

            return ExitCodes.NotReady;
        });
        root.Subcommands.Add(health);
    }

    /// <summary>Where this machine's server listens, as its environment says (the container sets ASPNETCORE_HTTP_PORTS).</summary>
    private static Uri LocalUrl()
    {
        if (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls)
        {
            var first = new UriBuilder(urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (first.Host is "localhost" or "0.0.0.0" or "[::]" or "::")
            {
                first.Host = "127.0.0.1";
            }

            return first.Uri;
        }

        return Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") is { Length: > 0 } ports
            ? new Uri($"http://127.0.0.1:{ports.Split([';', ','], StringSplitOptions.RemoveEmptyEntries)[0].Trim()}")
            : new Uri(LatchkeyServices.DefaultUrl);
    }
}

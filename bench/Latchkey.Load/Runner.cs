using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Latchkey.Load;

/// <summary>
/// Closed-loop load: <c>connections</c> workers, each sending its scenario's requests back to back for the duration.
/// Prints: scenario, operations/s, p50 ms, p99 ms, operations, 2xx, 429, 5xx, other, timeouts.
/// </summary>
public static class Runner
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(Uri baseUrl, string dataDirectory, string scenario, int connections, TimeSpan duration)
    {
        var bootstrap = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "bootstrap.json"))).RootElement;
        var clientId = bootstrap.GetProperty("clientId").GetString()!;
        var apiKey = bootstrap.GetProperty("apiKey").GetString()!;
#pragma warning disable RS0030 // a load generator outside the server: one shared client is the point
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AllowAutoRedirect = false })
#pragma warning restore RS0030
        {
            BaseAddress = baseUrl,
            Timeout = RequestTimeout,
        };
        var api = new Api(http, clientId, apiKey);
        Func<int, Task<Func<Task<HttpStatusCode>>>> make = scenario switch
        {
            "anonymous" => _ => Task.FromResult<Func<Task<HttpStatusCode>>>(api.AnonymousAsync),
            "refresh" => async _ => { var refresh = await api.MemberRefreshTokenAsync(); return () => api.RefreshAsync(refresh); }
            ,
            "register" => async _ => { var visitor = await api.VisitorAsync(); return () => api.RegisterAsync(visitor, $"load-{Guid.CreateVersion7()}@example.com"); }
            ,
            "login" or "storm" => async _ => { var visitor = await api.VisitorAsync(); return () => api.LoginAsync(visitor, "login@example.com"); }
            ,
            "login-seeded" => async worker => { var visitor = await api.VisitorAsync(); var n = worker; return () => api.LoginAsync(visitor, $"seed-{Interlocked.Increment(ref n) % 1000}@example.com"); }
            ,
            "flow" => async _ => { var visitor = await api.VisitorAsync(); return () => api.SessionToTokensAsync(visitor); }
            ,
            _ => throw new ArgumentException($"unknown scenario '{scenario}'"),
        };

        if (scenario is "login" or "storm")
        {
            await api.EnsureMemberAsync("login@example.com");
        }

        var workers = new Func<Task<HttpStatusCode>>[connections];
        for (var i = 0; i < connections; i++)
        {
            workers[i] = await make(i);
        }

        var results = new Result[connections];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
        {
            var result = results[i] = new Result();
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var status = await workers[i]();
                    result.Record(status, Stopwatch.GetElapsedTime(started));
                }
                catch (TaskCanceledException)
                {
                    result.Timeouts++;
                }
                catch (HttpRequestException)
                {
                    result.Errors++;
                }
            }
        })));
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
        var count = latencies.Length;
        Console.WriteLine(string.Join('\t',
            scenario, (count / elapsed).ToString("F1"), Percentile(latencies, 0.50), Percentile(latencies, 0.99), count,
            results.Sum(r => r.Ok), results.Sum(r => r.TooMany), results.Sum(r => r.ServerErrors), results.Sum(r => r.Other + r.Errors), results.Sum(r => r.Timeouts)));
        return 0;
    }

    /// <summary>
    /// What the wrk scenarios need, printed as shell assignments: the client id, the admin API key, a visitor token,
    /// a member refresh token (the Wix-SDK client keeps it stable, so every request can present it) and the member
    /// the login scenarios sign in as.
    /// </summary>
    public static async Task<int> SetupAsync(Uri baseUrl, string dataDirectory)
    {
        var bootstrap = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "bootstrap.json"))).RootElement;
        var clientId = bootstrap.GetProperty("clientId").GetString()!;
        var apiKey = bootstrap.GetProperty("apiKey").GetString()!;
#pragma warning disable RS0030 // a load generator outside the server
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl, Timeout = RequestTimeout };
#pragma warning restore RS0030
        var api = new Api(http, clientId, apiKey);
        await api.EnsureMemberAsync("login@example.com");
        Console.WriteLine($"LK_CLIENT_ID={clientId}");
        Console.WriteLine($"LK_API_KEY={apiKey}");
        Console.WriteLine($"LK_VISITOR={await api.VisitorAsync()}");
        Console.WriteLine($"LK_REFRESH={await api.MemberRefreshTokenAsync()}");
        return 0;
    }

    private static string Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? "-" : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))].ToString("F1");

    private sealed class Result
    {
        public List<double> Latencies { get; } = new(100_000);
        public long Ok, TooMany, ServerErrors, Other, Errors, Timeouts;

        public void Record(HttpStatusCode status, TimeSpan latency)
        {
            Latencies.Add(latency.TotalMilliseconds);
            switch ((int)status)
            {
                case >= 200 and < 300: Ok++; break;
                case 429: TooMany++; break;
                case >= 500: ServerErrors++; break;
                default: Other++; break;
            }
        }
    }

    /// <summary>The requests, shaped as the Wix SDK sends them.</summary>
    private sealed class Api(HttpClient http, string clientId, string apiKey)
    {
        public async Task<HttpStatusCode> AnonymousAsync()
        {
            using var response = await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "anonymous" });
            return response.StatusCode;
        }

        public async Task<string> VisitorAsync()
        {
            using var response = await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "anonymous" });
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        }

        public async Task<HttpStatusCode> RegisterAsync(string visitor, string email)
        {
            using var request = Json(HttpMethod.Post, "/_api/iam/authentication/v2/register", new { loginId = new { email }, password = Seeder.Password }, visitor);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        public async Task<HttpStatusCode> LoginAsync(string visitor, string email)
        {
            using var request = Json(HttpMethod.Post, "/_api/iam/authentication/v2/login", new { loginId = new { email }, password = Seeder.Password }, visitor);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        public async Task EnsureMemberAsync(string email)
        {
            var visitor = await VisitorAsync();
            await RegisterAsync(visitor, email);
        }

        public async Task<HttpStatusCode> RefreshAsync(string refreshToken)
        {
            using var response = await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "refresh_token", refreshToken });
            return response.StatusCode;
        }

        /// <summary>A member refresh token through the SDK's own path (sign-on, authorize, code exchange).</summary>
        public async Task<string> MemberRefreshTokenAsync()
        {
            var visitor = await VisitorAsync();
            var (status, tokens) = await ExchangeAsync(visitor);
            return status == HttpStatusCode.OK ? tokens!.Value.GetProperty("refresh_token").GetString()! : throw new InvalidOperationException($"setup failed: {status}");
        }

        /// <summary>One session token turned into tokens: sign-on (cheap, no hash), authorize, token exchange.</summary>
        public async Task<HttpStatusCode> SessionToTokensAsync(string visitor) => (await ExchangeAsync(visitor)).Status;

        private async Task<(HttpStatusCode Status, JsonElement? Tokens)> ExchangeAsync(string visitor)
        {
            using var signOn = Json(HttpMethod.Post, "/_api/iam/authentication/v2/sign-on", new { loginId = new { email = $"flow-{Guid.CreateVersion7()}@example.com" } }, $"{visitor},{apiKey}");
            using var signed = await http.SendAsync(signOn);
            if (!signed.IsSuccessStatusCode)
            {
                return (signed.StatusCode, null);
            }

            var sessionToken = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionToken").GetString()!;
            var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var query = $"clientId={clientId}&responseType=code&redirectUri={Uri.EscapeDataString("http://localhost:3000/callback")}&scope=offline_access&state=s&responseMode=query&codeChallenge={challenge}&codeChallengeMethod=S256&prompt=none&sessionToken={sessionToken}";
            using var authorize = await http.GetAsync("/_api/oauth2/authorize?" + query);
            if (authorize.StatusCode != HttpStatusCode.Redirect || authorize.Headers.Location is not { } location)
            {
                return (authorize.StatusCode, null);
            }

            var code = System.Web.HttpUtility.ParseQueryString(location.Query)["code"];
            using var token = await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "authorization_code", code, codeVerifier = verifier, redirectUri = "http://localhost:3000/callback" });
            return (token.StatusCode, token.IsSuccessStatusCode ? await token.Content.ReadFromJsonAsync<JsonElement>() : null);
        }

        private static HttpRequestMessage Json(HttpMethod method, string path, object body, string authorization)
        {
            var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return request;
        }
    }
}

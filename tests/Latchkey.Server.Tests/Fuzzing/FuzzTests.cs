using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using Latchkey.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>
/// Issue #10.1: hostile requests against every public route of the in-process server. Each answer must be below 500;
/// a 4xx must carry the error shape its route documents (docs/wire/conventions.md#errors) with a catalog code, leak no
/// stack trace, echo no script, and leave every table as it was. <c>LATCHKEY_FUZZ_REQUESTS</c> sets the number of
/// requests (CI: 2,000; <c>scripts/fuzz-long.sh</c>: 100,000), <c>LATCHKEY_FUZZ_SEED</c> replays a run,
/// <c>LATCHKEY_FUZZ_REPORT</c> names a file for the summary.
/// </summary>
public sealed class FuzzTests
{
    /// <summary>Codes the pipeline (UseLatchkeyErrors) answers with on any route, in the Wix envelope.</summary>
    // Decided before routing, so on a mangled path (/oauth2/introspect/%2e%2e/) the pipeline cannot know the route's
    // family: origin_not_allowed (docs/cors.md) answers a known route in its own shape, any other path as the Wix envelope.
    private static readonly HashSet<string> PipelineCodes = ["not_found", "method_not_allowed", "body_too_large", "unsupported_media_type", "malformed_body", "origin_not_allowed"];

    private static readonly HashSet<string> CatalogCodes = [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "errors"), "*.md")
        .Select(Path.GetFileNameWithoutExtension).Where(n => n != "README").Select(n => n!)];

    [Fact]
    public async Task Hostile_requests_get_a_documented_4xx_and_leave_the_database_unchanged()
    {
        var requests = long.Parse(Environment.GetEnvironmentVariable("LATCHKEY_FUZZ_REQUESTS") ?? "2000", CultureInfo.InvariantCulture);
        var seed = Environment.GetEnvironmentVariable("LATCHKEY_FUZZ_SEED");
        var errors = new ErrorLog();
        using var app = new LatchkeyApp(settings: new()
        {
            // Rate limits would turn most requests into 429 before they reach the code under test (ThrottlingTests covers them).
            ["Latchkey:Throttling:PerIpPerMinute:Login"] = "0",
            ["Latchkey:Throttling:PerIpPerMinute:Register"] = "0",
            ["Latchkey:Throttling:PerIpPerMinute:Recovery"] = "0",
            ["Latchkey:Throttling:PerIpPerMinute:Verification"] = "0",
            ["Latchkey:Throttling:PerSitePerMinute:Login"] = "0",
            ["Latchkey:Throttling:PerSitePerMinute:Register"] = "0",
            ["Latchkey:Throttling:PerSitePerMinute:Recovery"] = "0",
            ["Latchkey:Throttling:PerSitePerMinute:Verification"] = "0",
            ["Latchkey:Throttling:PerSitePerMinute:SignOn"] = "0",
        })
        {
            // The outbox dispatcher, the counter cleanup and key rotation write on their own schedule: a digest taken
            // around one request must only see what that request did.
            ConfigureTestServices = services =>
            {
                RemoveBackgroundWriters(services);
                services.AddSingleton<ILoggerProvider>(errors);
            },
        };
        var known = await PrepareAsync(app);
        var input = new HostileInput(known);
        var stats = new FuzzStats();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.Timeout = TimeSpan.FromSeconds(60);

        await Check.SampleAsync(
            input.Request,
            async request => await SendAndCheckAsync(app, client, request, stats, errors),
            seed: seed,
            iter: requests,
            threads: 1,
            print: r => r.ToString(),
            writeLine: line => stats.Log.Add(line));

        var summary = stats.Summary(requests, seed);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("LATCHKEY_FUZZ_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(report, summary, TestContext.Current.CancellationToken);
        }

        // The generators must reach past the edge: some requests are accepted, most routes answer.
        Assert.True(stats.Accepted > 0, summary);
    }

    [Fact]
    public void Every_mapped_route_is_in_the_fuzz_catalog()
    {
        using var app = new LatchkeyApp();
        _ = app.Server;
        var catalog = PublicRoutes.All.Select(r => $"{r.Method} {r.Path}").ToHashSet();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {PublicRoutes.Normalize(e.RoutePattern.RawText!)}"))
            .ToList();

        var missing = mapped.Where(m => !catalog.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "not in PublicRoutes: " + string.Join(", ", missing));
    }

    private static void RemoveBackgroundWriters(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService) &&
            ((d.ImplementationType ?? d.ImplementationFactory?.Method.DeclaringType)?.FullName?.StartsWith("Latchkey", StringComparison.Ordinal) ?? false)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>A member with a session and tokens, and the bootstrap credentials; background writers stopped.</summary>
    private static async Task<KnownValues> PrepareAsync(LatchkeyApp app)
    {
        var member = await app.RegisterMemberAsync("fuzz-member@example.com");
        var tokens = await app.MemberTokensAsync(member.SessionToken);
        var visitor = await app.VisitorTokenAsync();

        // A hosted page creates the Data Protection key ring (stored in the database) before the first digest.
        using (var browser = app.Browser())
        {
            var page = await browser.GetAsync(app.Authorize(null).Url() + "&prompt=login");
            Assert.True((int)page.StatusCode < 500, await page.Content.ReadAsStringAsync());
        }

        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().FullName!.StartsWith("Latchkey", StringComparison.Ordinal));
        return new KnownValues(app.Bootstrap.ApiKey, visitor, tokens.AccessToken, tokens.RefreshToken!, app.Bootstrap.ClientId, member.Id, app.Bootstrap.SiteId);
    }

    private static async Task SendAndCheckAsync(LatchkeyApp app, HttpClient client, FuzzRequest request, FuzzStats stats, ErrorLog errors)
    {
        using var message = Build(request);
        if (message is null)
        {
            stats.Unsendable++;
            return;
        }

        Dictionary<string, string> before;
        using (var connection = app.OpenDatabase())
        {
            before = DatabaseDigest.Of(connection);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message);
        }
        catch (Exception e) when (IsRefusedByTheClient(e))
        {
            // The client refused to send it (a header with CR/LF, or TestServer refusing a %00 in the path, which Kestrel
            // answers with 400 itself): nothing reached the application.
            stats.Unsendable++;
            stats.LastUnsendable = e.GetType().Name + ": " + e.Message;
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            stats.Record(request.Route, status);
            Assert.True(status < 500, $"{status} for\n{request}\nanswer: {Short(text)}\nserver log: {errors.Last}");
            Assert.False(text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception:", StringComparison.Ordinal), $"stack trace leaked for\n{request}\n{Short(text)}");
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                Assert.DoesNotContain(header.Value, v => v.Contains('\r') || v.Contains('\n'));
            }

            if (response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                Assert.False(text.Contains(HostileInput.ScriptMarker, StringComparison.Ordinal), $"script echoed unescaped for\n{request}");
            }

            if (status < 400)
            {
                stats.Accepted++;
                return;
            }

            if (request.Method != "HEAD")
            {
                var problem = ShapeProblem(request.Route.Family, status, response, text);
                Assert.True(problem is null, $"{problem} ({status}) for\n{request}\nanswer: {Short(text)}");
            }

            using var connection = app.OpenDatabase();
            var changes = DatabaseDigest.Changes(before, DatabaseDigest.Of(connection));
            Assert.True(changes.Length == 0, $"a rejected request ({status}) changed {string.Join(", ", changes)}:\n{request}\nanswer: {Short(text)}");
        }
    }

    private static HttpRequestMessage? Build(FuzzRequest request)
    {
        try
        {
            var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }

            if (request.Authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
            }

            foreach (var (name, value) in request.Headers)
            {
                if (name == "Content-Encoding")
                {
                    message.Content?.Headers.TryAddWithoutValidation(name, value);
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return message;
        }
        catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The test client (HttpClient, TestServer's handler) refused the request before the application ran. An exception
    /// with a frame of the server itself is never that: TestServer rethrows what escapes the whole pipeline.
    /// </summary>
    private static bool IsRefusedByTheClient(Exception e) =>
        e is not ObjectDisposedException &&
        e is InvalidOperationException or FormatException or HttpRequestException { InnerException: null or FormatException or InvalidOperationException } &&
        !e.ToString().Split('\n').Any(line => line.Contains(" at Latchkey.Server.", StringComparison.Ordinal) && !line.Contains(" at Latchkey.Server.Tests.", StringComparison.Ordinal));

    /// <summary>Null when the error body is the shape its route documents; otherwise what is wrong with it.</summary>
    private static string? ShapeProblem(ErrorFamily family, int status, HttpResponseMessage response, string text)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "text/html")
        {
            return family == ErrorFamily.Page ? null : "an HTML error on a JSON route";
        }

        if (text.Length == 0)
        {
            // RFC 6750 §3: a bearer challenge carries its error in WWW-Authenticate, and none when no token was recognised.
            return family == ErrorFamily.OAuth && response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer" && (status == 401 || h.Parameter?.Contains("error=", StringComparison.Ordinal) == true))
                ? null
                : $"an empty error body (WWW-Authenticate: {response.Headers.WwwAuthenticate})";
        }

        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return $"an error body that is not JSON ({mediaType})";
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return "an error body that is not a JSON object";
        }

        if (mediaType == "application/json" && Has(body, "message") && Has(body, "code") && body.TryGetProperty("details", out var details))
        {
            var code = body.GetProperty("code").GetString()!;
            var appError = details.TryGetProperty("applicationError", out var a) && Has(a, "code") && Has(a, "description");
            var validation = details.TryGetProperty("validationError", out var v) && v.TryGetProperty("fieldViolations", out var f) && f.ValueKind == JsonValueKind.Array;
            return !CatalogCodes.Contains(code) ? $"the code '{code}' has no docs/errors page"
                : !appError && !validation ? "a Wix envelope without applicationError or validationError"
                : family == ErrorFamily.Wix || PipelineCodes.Contains(code) ? null
                : $"a Wix envelope ({code}) on a {family} route";
        }

        if (mediaType == "application/problem+json" && Has(body, "type") && Has(body, "title") && Has(body, "code"))
        {
            var code = body.GetProperty("code").GetString()!;
            return !CatalogCodes.Contains(code) ? $"the code '{code}' has no docs/errors page"
                : body.TryGetProperty("status", out var s) && s.GetInt32() != status ? "a problem whose status is not the response's"
                : family == ErrorFamily.Own ? null
                : $"problem details ({code}) on a {family} route";
        }

        if (Has(body, "error"))
        {
            return family == ErrorFamily.OAuth ? null : $"an OAuth error ({body.GetProperty("error").GetString()}) on a {family} route";
        }

        return $"an undocumented error body ({mediaType})";
    }

    private static bool Has(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0;

    private static string Short(string text) => text.Length > 600 ? text[..600] + "…" : text;

    private sealed class FuzzStats
    {
        private readonly Dictionary<string, int> _byRoute = [];
        private readonly SortedDictionary<int, int> _byStatus = [];

        public int Accepted { get; set; }

        public int Unsendable { get; set; }

        public string? LastUnsendable { get; set; }

        public List<string> Log { get; } = [];

        public void Record(FuzzRoute route, int status)
        {
            _byStatus[status] = _byStatus.GetValueOrDefault(status) + 1;
            _byRoute[route.ToString()] = _byRoute.GetValueOrDefault(route.ToString()) + 1;
        }

        public string Summary(long requests, string? seed)
        {
            var builder = new StringBuilder();
            builder.AppendLine(CultureInfo.InvariantCulture, $"requests generated: {requests} (seed {seed ?? "random"})");
            builder.AppendLine(CultureInfo.InvariantCulture, $"answered: {_byStatus.Values.Sum()}, not sendable by HttpClient: {Unsendable} (last: {LastUnsendable}), routes hit: {_byRoute.Count} of {PublicRoutes.All.Select(r => r.ToString()).Distinct().Count()}");
            builder.AppendLine(CultureInfo.InvariantCulture, $"5xx: {_byStatus.Where(s => s.Key >= 500).Sum(s => s.Value)}");
            builder.AppendLine("by status: " + string.Join(", ", _byStatus.Select(s => $"{s.Key}: {s.Value}")));
            foreach (var line in Log)
            {
                builder.AppendLine(line);
            }

            return builder.ToString();
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>
/// A real HTTP verifier on loopback speaking the providers' wire shapes: <c>/siteverify</c> (reCAPTCHA, hCaptcha,
/// Turnstile: form in, <c>{success, score?}</c> out) and <c>/assessments</c> (reCAPTCHA Enterprise: JSON in,
/// <c>{tokenProperties.valid, riskAnalysis.score}</c> out). Token "good" passes, "low-score" passes with 0.1, anything
/// else fails; <c>/down</c> answers 503 and <c>/slow</c> outlasts Latchkey's timeout. It records what it received.
/// </summary>
public sealed class CaptchaProviderStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    public CaptchaProviderStub()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/siteverify", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            Received.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            if (form["response"].ToString().StartsWith("answer|", StringComparison.Ordinal))
            {
                return Results.Json(Described(form["response"].ToString()));
            }

            return Results.Json(Verdict(form["response"].ToString()) is var (ok, score) && score is null
                ? (object)new { success = ok }
                : new { success = ok, score });
        });
        _app.MapPost("/assessments", async (HttpRequest request) =>
        {
            using var json = await System.Text.Json.JsonDocument.ParseAsync(request.Body);
            var token = json.RootElement.GetProperty("event").GetProperty("token").GetString() ?? "";
            Received.Enqueue(new() { ["token"] = token, ["key"] = request.Query["key"].ToString() });
            var (ok, score) = Verdict(token);
            return Results.Json(new { tokenProperties = new { valid = ok }, riskAnalysis = new { score = score ?? 0.9 } });
        });
        _app.MapPost("/down", () => Results.StatusCode(503));
        _app.MapPost("/slow", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            return Results.Json(new { success = true });
        });
    }

    public ConcurrentQueue<Dictionary<string, string>> Received { get; } = new();

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<CaptchaProviderStub> StartAsync()
    {
        var stub = new CaptchaProviderStub();
        await stub._app.StartAsync();
        return stub;
    }

    /// <summary>
    /// A token for which the stub answers success with these details, as a provider reports where, for which action
    /// and when the challenge was solved (null leaves the field out).
    /// </summary>
    public static string Answer(string? hostname, string? action, int secondsAgo) =>
        $"answer|{hostname}|{action}|{secondsAgo}";

    private static Dictionary<string, object> Described(string token)
    {
        var parts = token.Split('|');
        var answer = new Dictionary<string, object>
        {
            ["success"] = true,
            ["challenge_ts"] = TimeProvider.System.GetUtcNow().AddSeconds(-int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)).ToString("O"),
        };
        if (parts[1].Length > 0)
        {
            answer["hostname"] = parts[1];
        }

        if (parts[2].Length > 0)
        {
            answer["action"] = parts[2];
        }

        return answer;
    }

    private static (bool Ok, double? Score) Verdict(string token) => token switch
    {
        "good" => (true, null),
        "low-score" => (true, 0.1),
        _ => (false, null),
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

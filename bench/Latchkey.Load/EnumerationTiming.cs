using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Latchkey.Load;

/// <summary>
/// Issue #6: does login time tell a known email from an unknown one? Alternates, one at a time, a wrong password for
/// a registered email and a wrong password for a never-registered one (a fresh address each try), and prints the
/// median and p90 of each and the relative difference of the medians. Run against a server whose throttling is off,
/// or the account rule answers the known email with fast 429s (bench/load/enumeration.sh does that).
/// </summary>
public static class EnumerationTiming
{
    public static async Task<int> RunAsync(Uri baseUrl, string dataDirectory, int tries)
    {
        var clientId = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "bootstrap.json"))).RootElement.GetProperty("clientId").GetString()!;
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseUrl };
        var visitor = await http.PostAsJsonAsync("/oauth2/token", new { clientId, grantType = "anonymous" });
        var token = (await visitor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        var known = $"timing-{Guid.CreateVersion7():N}@example.com";
        (await http.PostAsJsonAsync("/_api/iam/authentication/v2/register", new { loginId = new { email = known }, password = "correct horse battery staple" })).EnsureSuccessStatusCode();

        var knownTimes = new List<double>(tries);
        var unknownTimes = new List<double>(tries);
        // Warm-up, then alternate so that drift (JIT, GC, the OS) hits both series alike.
        for (var i = -20; i < tries; i++)
        {
            var k = await TimeAsync(http, known, expectStatus: 401);
            var u = await TimeAsync(http, $"nobody-{Guid.CreateVersion7():N}@example.com", expectStatus: 401);
            if (i >= 0)
            {
                knownTimes.Add(k);
                unknownTimes.Add(u);
            }
        }

        var (km, um) = (Percentile(knownTimes, 0.5), Percentile(unknownTimes, 0.5));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {tries} each | {km:F2} | {Percentile(knownTimes, 0.9):F2} | {um:F2} | {Percentile(unknownTimes, 0.9):F2} | {(um - km) / km * 100:+0.0;-0.0}% |"));
        return 0;
    }

    private static async Task<double> TimeAsync(HttpClient http, string email, int expectStatus)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/_api/iam/authentication/v2/login", new { loginId = new { email }, password = "wrong password, surely" });
        watch.Stop();
        if ((int)response.StatusCode != expectStatus)
        {
            throw new InvalidOperationException($"login {email}: {(int)response.StatusCode}, expected {expectStatus}: {await response.Content.ReadAsStringAsync()}");
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}

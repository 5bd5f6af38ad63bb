using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// The attacker's common moves (issue #21). Every test in this folder is an attacker's script against a fresh server,
/// written before its mitigation and seen failing on the code that came before it (docs/security.md, threat model).
/// </summary>
public static partial class Attack
{
    /// <summary>
    /// An attacker spreads over many addresses, so the per-address allowances are lifted where a test is about
    /// something else; the per-site allowances and every per-account and per-member rule stay as shipped.
    /// </summary>
    public static Dictionary<string, string?> FromManyAddresses(SmtpMailbox? mail = null)
    {
        var settings = mail?.Settings ?? [];
        foreach (var action in (string[])["Login", "Register", "Recovery", "Verification"])
        {
            settings[$"Latchkey:Throttling:PerIpPerMinute:{action}"] = "0";
        }

        return settings;
    }

    public static async Task RequireEmailVerificationAsync(this LatchkeyApp app, bool enumerationSafe = false)
    {
        using var admin = app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        if (enumerationSafe)
        {
            (await admin.PatchAsJsonAsync("/admin/v1/enumeration-policy", new { enumerationSafeRegistration = true })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Moves the test clock to the start of the next clock hour: the email allowance counts per clock hour, so a test
    /// that advances the clock by minutes must not cross into a fresh hour halfway.
    /// </summary>
    public static void StartOfAnHour(this LatchkeyApp app)
    {
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerHour) + TimeSpan.FromSeconds(1));
    }

    /// <summary>The six-digit code in an email body.</summary>
    public static string CodeIn(string body) => SixDigits().Match(body).Value;

    /// <summary>A six-digit code that is none of <paramref name="right"/>.</summary>
    public static string Wrong(params string[] right)
    {
        for (var n = 0; ; n++)
        {
            var candidate = n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!right.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Status and stable code of an answer (null code for a success).</summary>
    public static async Task<(int Status, string? Code)> OutcomeAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var code = text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;
        return ((int)response.StatusCode, code);
    }

    /// <summary>A JSON body's field paths and value kinds: what an observer can compare besides the values.</summary>
    public static IEnumerable<string> Shape(JsonElement element, string path = "") => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Shape(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Shape(e, $"{path}[{i}]")),
        JsonValueKind.True or JsonValueKind.False => [$"{path}:Boolean"],
        _ => [$"{path}:{element.ValueKind}"],
    };

    /// <summary>The hidden fields of a hosted page's form (antiforgery token, return query, state token).</summary>
    public static async Task<Dictionary<string, string>> HostedFormAsync(this HttpClient browser, string url) =>
        HiddenFields(await (await browser.GetAsync(url)).Content.ReadAsStringAsync());

    public static Dictionary<string, string> HiddenFields(string html) =>
        Hidden().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    /// <summary>The hosted sign-in page's URL for the bootstrap client.</summary>
    public static string HostedSignIn(this LatchkeyApp app) => (app.Authorize(null) with { Prompt = "login" }).Url();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex Hidden();
}

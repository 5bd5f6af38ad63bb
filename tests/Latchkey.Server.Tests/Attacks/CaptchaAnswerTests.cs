using System.Net;
using System.Net.Http.Json;
using Latchkey.Server.Tests.AbuseProtection;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: a CAPTCHA token solved elsewhere is replayed here. Before issue #21 Latchkey read only <c>success</c> (and
/// a score) from the provider, so a token solved on another site, for another action, or long ago passed. Now the
/// provider's <c>hostname</c> must be one of the site's hostnames (when it lists any), its <c>action</c> must be the
/// guarded action (when the provider reports one), and <c>challenge_ts</c> must be at most five minutes old.
/// </summary>
public sealed class CaptchaAnswerTests
{
    private static readonly string[] ShopHostnames = ["shop.example"];

    [Fact]
    public async Task A_token_solved_on_another_host_for_another_action_or_long_ago_is_refused()
    {
        await using var verifier = await CaptchaProviderStub.StartAsync();
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        using (var admin = app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new
            {
                mode = "always",
                provider = "turnstile",
                secret = "s",
                verifyUrl = $"{verifier.BaseUrl}/siteverify",
                hostnames = ShopHostnames,
            })).EnsureSuccessStatusCode();
        }

        using var visitor = await app.VisitorClientAsync();
        var n = 0;
        Task<HttpResponseMessage> RegisterAsync(string token) => visitor.PostAsJsonAsync($"{Wix.Auth}/v2/register", new
        {
            loginId = new { email = $"ann{++n}@example.com" },
            password = Wix.Password,
            captchaTokens = new[] { new { Turnstile = token } },
        });

        await (await RegisterAsync(CaptchaProviderStub.Answer("evil.example", "register", 5))).AssertWixErrorAsync(400, "captcha_invalid");
        await (await RegisterAsync(CaptchaProviderStub.Answer("shop.example", "login", 5))).AssertWixErrorAsync(400, "captcha_invalid");
        await (await RegisterAsync(CaptchaProviderStub.Answer("shop.example", "register", 600))).AssertWixErrorAsync(400, "captcha_invalid");
        await (await RegisterAsync(CaptchaProviderStub.Answer(null, "register", 5))).AssertWixErrorAsync(400, "captcha_invalid");
        Assert.Equal(0L, app.Count("members"));

        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(CaptchaProviderStub.Answer("shop.example", "register", 5))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(CaptchaProviderStub.Answer("SHOP.example", null, 5))).StatusCode);
    }
}

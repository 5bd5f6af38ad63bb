using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: a cross-site link (SameSite=Lax cookies travel on top-level GETs) changes a signed-in member's state. Before
/// issue #21 each GET of the hosted MFA set-up page replaced the pending enrolment, so a link could swap the secret
/// out from under a member halfway through scanning it. Now a GET only shows: the enrolment is started by the
/// sign-in post (or the page's own form post), and a GET shows the pending one or a button that posts.
/// </summary>
public sealed partial class NoStateChangeOnGetTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Opening_the_mfa_set_up_page_again_shows_the_same_pending_secret_and_writes_nothing()
    {
        using (var admin = _app.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/admin/v1/branding", new { offerMfaEnrolment = true })).EnsureSuccessStatusCode();
        }

        var member = await _app.RegisterMemberAsync();
        using var browser = _app.Browser();
        var form = await browser.HostedFormAsync(_app.HostedSignIn());
        form["email"] = member.Email;
        form["password"] = Wix.Password;
        var signedIn = await browser.PostAsync("/oauth2/authorize/login", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var setUp = signedIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/oauth2/authorize/mfa-setup", setUp, StringComparison.Ordinal);

        var first = Secret().Match(await browser.GetStringAsync(setUp)).Groups[1].Value;
        var stored = _app.Scalar<string>("""SELECT hex("PendingSecret") FROM mfa_enrolments""");
        var second = Secret().Match(await browser.GetStringAsync(setUp)).Groups[1].Value;

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.Equal(stored, _app.Scalar<string>("""SELECT hex("PendingSecret") FROM mfa_enrolments"""));

        // Once the pending enrolment has lapsed, a GET offers a button and still writes nothing.
        _app.Clock.Advance(TimeSpan.FromMinutes(16));
        var lapsed = await browser.GetStringAsync(setUp);
        Assert.DoesNotMatch(Secret(), lapsed);
        Assert.Contains("method=\"post\"", lapsed, StringComparison.Ordinal);
        Assert.Equal(stored, _app.Scalar<string>("""SELECT hex("PendingSecret") FROM mfa_enrolments"""));
    }

    [GeneratedRegex("""id="totp-secret">([A-Z2-7]+)<""")]
    private static partial Regex Secret();
}

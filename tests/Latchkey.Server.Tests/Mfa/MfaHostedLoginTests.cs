using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>The hosted login page (<c>prompt=login</c>) asks a member with MFA for a second code before the session.</summary>
public sealed partial class MfaHostedLoginTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    [Fact]
    public async Task The_password_form_leads_to_a_code_form_and_a_right_code_to_an_authorization_code()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var browser = _app.Browser();
        var request = _app.Authorize(sessionToken: null) with { Prompt = "login" };
        var login = HiddenFields(await (await browser.GetAsync(request.Url())).Content.ReadAsStringAsync());

        var second = await browser.PostAsync("/oauth2/authorize/login", Form(login, ("email", mfa.Member.Email), ("password", Wix.Password)));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.TryGetValues("Set-Cookie", out var early) && early.Any(c => c.StartsWith("lk_session=", StringComparison.Ordinal)));
        var html = await second.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/oauth2/authorize/login/mfa\"", html, StringComparison.Ordinal);
        var mfaForm = HiddenFields(html);
        var wrong = await browser.PostAsync("/oauth2/authorize/login/mfa", Form(mfaForm, ("code", mfa.Code() == "000000" ? "000001" : "000000")));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("action=\"/oauth2/authorize/login/mfa\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var done = await browser.PostAsync("/oauth2/authorize/login/mfa", Form(HiddenFields(await wrong.Content.ReadAsStringAsync()), ("code", mfa.Code())));

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains(done.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=", StringComparison.Ordinal));
        var code = OAuthFlow.CodeFrom(await browser.GetAsync(done.Headers.Location!.OriginalString));
        var tokens = await (await browser.ExchangeAsJsonAsync(_app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Assert.Equal(mfa.Member.Id, OAuthFlow.JwtPart(tokens.AccessToken, 1).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_recovery_code_works_on_the_code_form()
    {
        var mfa = await MfaMember.EnrolledAsync(_app);
        using var browser = _app.Browser();
        var login = HiddenFields(await (await browser.GetAsync((_app.Authorize(null) with { Prompt = "login" }).Url())).Content.ReadAsStringAsync());
        var mfaForm = HiddenFields(await (await browser.PostAsync("/oauth2/authorize/login", Form(login, ("email", mfa.Member.Email), ("password", Wix.Password)))).Content.ReadAsStringAsync());

        var done = await browser.PostAsync("/oauth2/authorize/login/mfa", Form(mfaForm, ("code", mfa.RecoveryCodes[0])));

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }

    private static FormUrlEncodedContent Form(Dictionary<string, string> hidden, params (string Name, string Value)[] fields) =>
        new(hidden.Concat(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    private static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInput();

    public void Dispose() => _app.Dispose();
}

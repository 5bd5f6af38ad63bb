using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// No secret in any log at any level (issue #22, docs/observability.md#no-secrets-in-logs): every flow runs with every
/// category at Trace (ASP.NET Core's request lines with their URLs, OpenIddict's extracted requests, EF Core), and the
/// log is searched for each secret the test was handed: passwords, session, state and recovery tokens, verification,
/// TOTP and recovery codes, authorization codes and PKCE verifiers, access and refresh tokens, API keys, client
/// secrets, the session cookie and the anti-forgery token.
/// </summary>
public sealed partial class SecretsInLogsTests : IDisposable
{
    private const string NewPassword = "a brand new passphrase";
    private static readonly string[] SignOnOnly = ["sign-on"];
    private readonly SmtpMailbox _mail = new();
    private readonly CapturedLog _log = new();
    private readonly LatchkeyApp _app;
    private readonly List<(string What, string Value)> _secrets = [];

    public SecretsInLogsTests() => _app = new LatchkeyApp(settings: _mail.Settings) { ConfigureTestServices = _log.AddTo };

    [Fact]
    public async Task Every_flow_at_trace_logs_none_of_the_secrets_it_handled()
    {
        _app.CreateClient().Dispose(); // starts the server: the first start writes bootstrap.json
        Handed("bootstrap API key", _app.Bootstrap.ApiKey);
        Handed("password", Wix.Password);
        Handed("new password", NewPassword);

        await WixApiAndOAuthAsync();
        await StandardClientAsync();
        await EmailVerificationAndRecoveryAsync();
        await MfaAsync();
        await HostedSignInAsync();

        _log.Save("secrets-in-logs");
        // Not vacuous: the framework's request lines and OpenIddict's own events were captured at these levels.
        Assert.Contains("Request starting", _log.Text, StringComparison.Ordinal);
        Assert.Contains("/oauth2/authorize", _log.Text, StringComparison.Ordinal);
        Assert.Contains("OpenIddict.Server", _log.Text, StringComparison.Ordinal);
        Assert.True(_secrets.Count >= 30, $"only {_secrets.Count} secrets were collected");
        var found = _secrets.Where(s => Appears(s.Value)).Select(s => $"{s.What} in: {FirstLineWith(s.Value)}").ToList();
        Assert.True(found.Count == 0, $"{found.Count} secrets in the log:\n" + string.Join('\n', found));
    }

    /// <summary>Visitor token, register, login, authorize with the session token, code, refresh, sign-on, cookie, the authorized_client grant.</summary>
    private async Task WixApiAndOAuthAsync()
    {
        using var visitor = _app.CreateClient();
        var visitorToken = Handed("visitor token", await _app.VisitorTokenAsync());
        visitor.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", visitorToken);
        var registered = await (await visitor.RegisterAsync("ann@example.com")).JsonAsync();
        Handed("session token (register)", registered.GetProperty("sessionToken").GetString()!);
        var sessionToken = Handed("session token (login)", (await (await visitor.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("sessionToken").GetString()!);

        using var browser = _app.Browser();
        var request = _app.Authorize(sessionToken);
        Handed("PKCE verifier", request.Pkce.Verifier);
        var code = Handed("authorization code", OAuthFlow.CodeFrom(await browser.GetAsync(request.Url())));
        var tokens = await (await browser.ExchangeAsJsonAsync(_app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Handed("member access token", tokens.AccessToken);
        var refreshToken = Handed("refresh token", tokens.RefreshToken!);
        var refreshed = await (await browser.RefreshAsJsonAsync(_app.Bootstrap.ClientId, refreshToken)).TokensAsync();
        Handed("refreshed access token", refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/oauth2/token-info", new { token = refreshed.AccessToken })).StatusCode);
        using (var bearer = _app.CreateClient())
        {
            bearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + refreshed.AccessToken);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/oauth2/user-info")).StatusCode);
            var changed = await bearer.PostAsJsonAsync($"{Wix.Auth}/v2/change-password", new { newPassword = NewPassword });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // The snake_case spelling of the session token, in the query of a fragment-mode authorize.
        var snake = _app.Authorize(Handed("session token (login 2)", await _app.LoginSessionTokenAsync(password: NewPassword))) with { SnakeCase = true, ResponseMode = "fragment" };
        Handed("PKCE verifier 2", snake.Pkce.Verifier);
        Handed("authorization code (fragment)", OAuthFlow.CodeFrom(await browser.GetAsync(snake.Url())));

        using var trusted = _app.ApiKeyClient(visitorToken);
        var signOn = await (await trusted.SignOnAsync("bob@example.com")).JsonAsync();
        var signOnToken = Handed("session token (sign-on)", signOn.GetProperty("sessionToken").GetString()!);
        var cookie = await browser.PostAsJsonAsync("/_api/iam/cookie/v1/createSessionCookie", new { sessionToken = signOnToken });
        Handed("session cookie", cookie.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_session=", StringComparison.Ordinal)).Split(';')[0]["lk_session=".Length..]);
        var signOn2 = await (await trusted.SignOnAsync("bob@example.com")).JsonAsync();
        var external = await (await trusted.PostAsJsonAsync(OAuthFlow.Token, new
        {
            grant_type = "authorized_client",
            member_id = signOn2.GetProperty("identity").GetProperty("id").GetString(),
            session_token = Handed("session token (sign-on 2)", signOn2.GetProperty("sessionToken").GetString()!),
        })).TokensAsync();
        Handed("external access token", external.AccessToken);
        Handed("external refresh token", external.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/_api/iam/authentication/v1/logout?clientId={_app.Bootstrap.ClientId}")).StatusCode);
    }

    /// <summary>A confidential client: its secret, a new API key, code + form exchange, introspection, revocation, client_credentials.</summary>
    private async Task StandardClientAsync()
    {
        var client = await _app.RegisterStandardClientAsync(confidential: true);
        Handed("client secret", client.ClientSecret!);
        using var admin = _app.ApiKeyClient();
        var key = await (await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = "logged?", permissions = SignOnOnly })).JsonAsync();
        Handed("new API key", key.GetProperty("key").GetString()!);

        var tokens = await _app.MemberTokensAsync(client, Handed("session token (standard)", await _app.LoginSessionTokenAsync(password: NewPassword)));
        Handed("standard access token", tokens.AccessToken);
        Handed("standard refresh token", tokens.RefreshToken!);
        using var http = _app.CreateClient();
        var introspected = await http.PostAsync("/oauth2/introspect", OAuthFlow.Form(new()
        {
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["token"] = tokens.AccessToken,
        }));
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);
        var revoked = await http.PostAsync("/oauth2/revoke", OAuthFlow.Form(new()
        {
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["token"] = tokens.RefreshToken,
        }));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var machine = await http.PostAsync(OAuthFlow.Token, OAuthFlow.Form(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        }));
        Handed("client_credentials access token", (await machine.TokensAsync()).AccessToken);
    }

    /// <summary>A site that verifies email: state token and emailed code, a resend, then recovery by the API and by the reset page.</summary>
    private async Task EmailVerificationAndRecoveryAsync()
    {
        using var visitor = await _app.VisitorClientAsync();
        _app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        var registered = await (await visitor.RegisterAsync("carol@example.com")).JsonAsync();
        var stateToken = Handed("state token (verification)", registered.GetProperty("stateToken").GetString()!);
        Handed("verification code", VerificationCode().Match(await _mail.NextBodyAsync("carol@example.com")).Groups[1].Value);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/resend", new { stateToken })).StatusCode);
        var code = Handed("verification code (resent)", VerificationCode().Match(await _mail.NextBodyAsync("carol@example.com")).Groups[1].Value);
        var verified = await (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken })).JsonAsync();
        Handed("session token (verified)", verified.GetProperty("sessionToken").GetString()!);
        _app.Execute("UPDATE sites SET RequireEmailVerification = 0");

        var redirect = new { url = "http://localhost:3000/after-reset", clientId = _app.Bootstrap.ClientId };
        (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "carol@example.com", redirect })).EnsureSuccessStatusCode();
        var recoveryToken = Handed("recovery token", Uri.UnescapeDataString(RecoveryLink().Match(await _mail.NextBodyAsync("carol@example.com")).Groups["token"].Value));
        var recovered = await (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/recover", new { recoveryToken, password = NewPassword })).JsonAsync();
        Assert.Equal("SUCCESS", recovered.GetProperty("state").GetString());

        (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "carol@example.com", redirect })).EnsureSuccessStatusCode();
        var link = RecoveryLink().Match(await _mail.NextBodyAsync("carol@example.com"));
        Handed("recovery token (page)", Uri.UnescapeDataString(link.Groups["token"].Value));
        using var browser = _app.Browser();
        var page = await browser.GetAsync(new Uri(link.Value).PathAndQuery);
        var fields = HiddenFields(await page.Content.ReadAsStringAsync());
        HandedFormSecrets(fields);
        fields["password"] = NewPassword + "!";
        fields["confirm"] = NewPassword + "!";
        Handed("new password (page)", NewPassword + "!");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/recovery/reset-password", new FormUrlEncodedContent(fields))).StatusCode);
    }

    /// <summary>TOTP enrolment (secret, confirming code, recovery codes), then a login with a TOTP code and one with a recovery code.</summary>
    private async Task MfaAsync()
    {
        var mfa = await MfaMember.EnrolledAsync(_app, "dave@example.com");
        Handed("TOTP secret", Base32(mfa.Secret));
        Handed("member access token (MFA)", mfa.AccessToken);
        foreach (var recoveryCode in mfa.RecoveryCodes)
        {
            Handed("MFA recovery code", recoveryCode);
        }

        var login = await mfa.LoginAsync();
        var stateToken = Handed("state token (MFA)", login.GetProperty("stateToken").GetString()!);
        var totp = await (await mfa.VerifyTotpAsync(stateToken, Handed("TOTP code", mfa.Code()))).JsonAsync();
        Handed("session token (MFA)", totp.GetProperty("sessionToken").GetString()!);
        mfa.NextStep();
        var again = await mfa.LoginAsync();
        var recovered = await (await mfa.VerifyRecoveryCodeAsync(Handed("state token (MFA 2)", again.GetProperty("stateToken").GetString()!), mfa.RecoveryCodes[0])).JsonAsync();
        Handed("session token (recovery code)", recovered.GetProperty("sessionToken").GetString()!);
    }

    /// <summary>The hosted sign-in page: anti-forgery token, password, the session cookie it sets and the code it returns.</summary>
    private async Task HostedSignInAsync()
    {
        using var browser = _app.Browser();
        var request = _app.Authorize(sessionToken: null) with { Prompt = "login" };
        Handed("PKCE verifier (hosted)", request.Pkce.Verifier);
        var form = HiddenFields(await (await browser.GetAsync(request.Url())).Content.ReadAsStringAsync());
        HandedFormSecrets(form);
        var submitted = await browser.PostAsync("/oauth2/authorize/login", new FormUrlEncodedContent(form.Append(new("email", "ann@example.com")).Append(new("password", NewPassword))));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Handed("session cookie (hosted)", submitted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_session=", StringComparison.Ordinal)).Split(';')[0]["lk_session=".Length..]);
        var code = Handed("authorization code (hosted)", OAuthFlow.CodeFrom(await browser.GetAsync(submitted.Headers.Location!.OriginalString)));
        var tokens = await (await browser.ExchangeAsJsonAsync(_app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
        Handed("access token (hosted)", tokens.AccessToken);
    }

    private string Handed(string what, string value)
    {
        Assert.False(string.IsNullOrEmpty(value), $"no {what} was handed");
        _secrets.Add((what, value));
        return value;
    }

    // The anti-forgery request token is a secret of the browser; the return URL and flow ids are not.
    private void HandedFormSecrets(Dictionary<string, string> fields)
    {
        foreach (var (name, value) in fields.Where(f => f.Key.Contains("csrf", StringComparison.OrdinalIgnoreCase) || f.Key.Contains("token", StringComparison.OrdinalIgnoreCase) || f.Key.Contains("Verification", StringComparison.Ordinal)))
        {
            Handed($"form field {name}", value);
        }
    }

    // Short numeric codes are searched as whole words, so a timestamp or an id that happens to contain the digits
    // does not count; everything else as a substring, raw and URL-encoded.
    private bool Appears(string secret) =>
        secret.All(char.IsAsciiDigit) && secret.Length <= 8
            ? Regex.IsMatch(_log.Text, $@"(?<![\w.:-]){secret}(?![\w.:-])")
            : _log.Text.Contains(secret, StringComparison.Ordinal) || _log.Text.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal);

    private string FirstLineWith(string secret)
    {
        var line = _log.Text.Split('\n').FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal) || l.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal)) ?? "(as a word)";
        return (line.Length > 300 ? line[..300] + "…" : line).Replace(secret, "<secret>", StringComparison.Ordinal);
    }

    private static string Base32(byte[] bytes) => OtpNet.Base32Encoding.ToString(bytes).TrimEnd('=');

    private static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex VerificationCode();

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=(?<token>[A-Za-z0-9_%\-]+)")]
    private static partial Regex RecoveryLink();

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }
}

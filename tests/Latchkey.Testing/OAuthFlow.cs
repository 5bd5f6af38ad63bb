using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Testing;

/// <summary>A PKCE pair (RFC 7636, S256).</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce New()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    internal static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

/// <summary>A registered member: its id, email and the session token Register V2 answered.</summary>
public sealed record NewMember(string Id, string Email, string SessionToken);

/// <summary>A token response: the two tokens and the whole body.</summary>
public sealed record TokenSet(string AccessToken, string? RefreshToken, JsonElement Body);

/// <summary>A client registered through <c>POST /admin/v1/clients</c>.</summary>
public sealed record StandardClient(string ClientId, string? ClientSecret, string RedirectUri, string Origin);

/// <summary>The parameters of one authorize request, in the Wix camelCase or the standard snake_case spelling.</summary>
public sealed record AuthorizeParameters(string ClientId, Pkce Pkce)
{
    public string? RedirectUri { get; init; } = OAuthFlow.Callback;
    public string? SessionToken { get; init; }
    public string ResponseMode { get; init; } = "query";
    public string State { get; init; } = "state-" + Pkce.Base64Url(RandomNumberGenerator.GetBytes(8));
    public string? Prompt { get; init; } = "none";
    public string? Scope { get; init; } = "offline_access";
    public bool SnakeCase { get; init; }
    public string Path { get; init; } = "/oauth2/authorize";

    public string Url()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string camel, string snake, string? value)
        {
            if (value is not null)
            {
                parameters.Add(new(SnakeCase ? snake : camel, value));
            }
        }

        Add("clientId", "client_id", ClientId);
        Add("responseType", "response_type", "code");
        Add("redirectUri", "redirect_uri", RedirectUri);
        Add("scope", "scope", Scope);
        Add("state", "state", State);
        Add("responseMode", "response_mode", ResponseMode);
        Add("codeChallenge", "code_challenge", Pkce.Challenge);
        Add("codeChallengeMethod", "code_challenge_method", "S256");
        Add("sessionToken", "session_token", SessionToken);
        Add("prompt", "prompt", Prompt);
        return QueryHelpers.AddQueryString(Path, parameters);
    }
}

/// <summary>
/// The OAuth flows the tests drive: register a member, authorize without following redirects, read the code from a
/// Location (query or fragment) or a web_message page, and exchange it at the token endpoint as the Wix SDK (JSON,
/// camelCase) or a standard client (form, snake_case) would.
/// </summary>
public static partial class OAuthFlow
{
    public const string AppOrigin = "http://localhost:3000";
    public const string Callback = AppOrigin + "/callback";
    public const string Token = "/oauth2/token";

    /// <summary>A browser-like client: keeps cookies, does not follow redirects.</summary>
    public static HttpClient Browser(this LatchkeyApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<NewMember> RegisterMemberAsync(this LatchkeyApp app, string email = "ann@example.com", string password = Wix.Password)
    {
        using var visitor = await app.VisitorClientAsync();
        var response = await visitor.RegisterAsync(email, password);
        response.EnsureSuccessStatusCode();
        var body = await response.JsonAsync();
        return new NewMember(body.GetProperty("identity").GetProperty("id").GetString()!, email, body.GetProperty("sessionToken").GetString()!);
    }

    /// <summary>Login V2 with the right password: a fresh session token for another session of the member.</summary>
    public static async Task<string> LoginSessionTokenAsync(this LatchkeyApp app, string email = "ann@example.com", string password = Wix.Password)
    {
        using var visitor = await app.VisitorClientAsync();
        var response = await visitor.LoginAsync(email, password);
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("sessionToken").GetString()!;
    }

    public static AuthorizeParameters Authorize(this LatchkeyApp app, string? sessionToken, Pkce? pkce = null) =>
        new(app.Bootstrap.ClientId, pkce ?? Pkce.New()) { SessionToken = sessionToken };

    /// <summary>The parameters of a redirect's Location: its query, or its fragment.</summary>
    public static Dictionary<string, string> LocationParameters(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"No Location header ({(int)response.StatusCode}).");
        var raw = location.OriginalString;
        var start = raw.IndexOfAny(['?', '#']);
        return start < 0
            ? []
            : QueryHelpers.ParseQuery(raw[start..].TrimStart('?', '#')).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>The code of a query or fragment redirect, asserting the redirect went to <paramref name="redirectUri"/>.</summary>
    public static string CodeFrom(HttpResponseMessage response, string redirectUri = Callback)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(redirectUri, response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var parameters = response.LocationParameters();
        Assert.False(parameters.ContainsKey("error"), $"authorize answered an error: {response.Headers.Location}");
        return parameters["code"];
    }

    /// <summary>The message and target origin a web_message page posts to its parent window.</summary>
    public static (JsonElement Message, string TargetOrigin) WebMessage(string html)
    {
        var match = PostMessage().Match(html);
        Assert.True(match.Success, $"no postMessage call in: {html}");
        return (JsonDocument.Parse(match.Groups["message"].Value).RootElement,
            JsonSerializer.Deserialize<string>(match.Groups["origin"].Value)!);
    }

    /// <summary>authorization_code as the Wix SDK sends it: camelCase JSON; redirectUri only when given.</summary>
    public static Task<HttpResponseMessage> ExchangeAsJsonAsync(
        this HttpClient client, string clientId, string code, string? codeVerifier, string? redirectUri = Callback)
    {
        var body = new Dictionary<string, string?> { ["clientId"] = clientId, ["grantType"] = "authorization_code", ["code"] = code };
        if (codeVerifier is not null)
        {
            body["codeVerifier"] = codeVerifier;
        }

        if (redirectUri is not null)
        {
            body["redirectUri"] = redirectUri;
        }

        return client.PostAsJsonAsync(Token, body);
    }

    /// <summary>authorization_code as a standard client sends it: a snake_case form.</summary>
    public static Task<HttpResponseMessage> ExchangeAsFormAsync(
        this HttpClient client, string clientId, string code, string? codeVerifier, string? redirectUri, string? clientSecret = null) =>
        client.PostAsync(Token, Form(new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["code"] = code,
            ["code_verifier"] = codeVerifier,
            ["redirect_uri"] = redirectUri,
        }));

    /// <summary>
    /// refresh_token as the Wix SDK's renewToken sends it: JSON with its length, the shape the token fast path serves
    /// (ADR 0025), where PostAsJsonAsync would stream it chunked.
    /// </summary>
    public static Task<HttpResponseMessage> RefreshAsJsonAsync(this HttpClient client, string clientId, string refreshToken) =>
        client.PostAsync(Token, new StringContent(
            JsonSerializer.Serialize(new { clientId, refreshToken, grantType = "refresh_token" }), Encoding.UTF8, "application/json"));

    /// <summary>refresh_token as a standard client sends it.</summary>
    public static Task<HttpResponseMessage> RefreshAsFormAsync(this HttpClient client, string clientId, string refreshToken, string? clientSecret = null) =>
        client.PostAsync(Token, Form(new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["refresh_token"] = refreshToken,
        }));

    public static FormUrlEncodedContent Form(Dictionary<string, string?> fields) =>
        new(fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string>(f.Key, f.Value!)));

    /// <summary>A 200 token response, read.</summary>
    public static async Task<TokenSet> TokensAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token request failed: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return new TokenSet(
            body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            body);
    }

    /// <summary>Asserts an RFC 6749 §5.2 error: <c>error</c> and the status (400, or 401 for invalid_client).</summary>
    public static async Task AssertOAuthErrorAsync(this HttpResponseMessage response, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = error == "invalid_client" ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest;
        Assert.True(response.StatusCode == status, $"expected {(int)status} {error}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(error, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    /// <summary>Session token → authorize (prompt=none, query) → code → tokens, for the bootstrap (Wix-SDK) client.</summary>
    public static async Task<TokenSet> MemberTokensAsync(this LatchkeyApp app, string sessionToken)
    {
        using var browser = app.Browser();
        var request = app.Authorize(sessionToken);
        var code = CodeFrom(await browser.GetAsync(request.Url()));
        return await (await browser.ExchangeAsJsonAsync(app.Bootstrap.ClientId, code, request.Pkce.Verifier)).TokensAsync();
    }

    /// <summary>The same flow for a standard client, as a standard client speaks it (snake_case, form).</summary>
    public static async Task<TokenSet> MemberTokensAsync(this LatchkeyApp app, StandardClient client, string sessionToken)
    {
        using var browser = app.Browser();
        var request = new AuthorizeParameters(client.ClientId, Pkce.New()) { SessionToken = sessionToken, RedirectUri = client.RedirectUri, SnakeCase = true };
        var code = CodeFrom(await browser.GetAsync(request.Url()), client.RedirectUri);
        return await (await browser.ExchangeAsFormAsync(client.ClientId, code, request.Pkce.Verifier, client.RedirectUri, client.ClientSecret)).TokensAsync();
    }

    /// <summary>Registers a standard (rotating) client with the bootstrap admin API key.</summary>
    public static async Task<StandardClient> RegisterStandardClientAsync(
        this LatchkeyApp app, bool confidential, string redirectUri = "https://app.example/callback", string origin = "https://app.example")
    {
        using var admin = app.ApiKeyClient();
        var response = await admin.PostAsJsonAsync("/admin/v1/clients", new
        {
            kind = "standard",
            confidential,
            redirectUris = new[] { redirectUri },
            allowedOrigins = new[] { origin },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var secret = body.TryGetProperty("clientSecret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        Assert.Equal(confidential, secret is not null);
        return new StandardClient(body.GetProperty("clientId").GetString()!, secret, redirectUri, origin);
    }

    /// <summary>The payload of a JWT, unverified.</summary>
    public static JsonElement JwtPart(string token, int part) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[part])).RootElement;

    [GeneratedRegex("""postMessage\((?<message>\{.*?\}),\s*(?<origin>"[^"]*")\)""", RegexOptions.Singleline)]
    private static partial Regex PostMessage();
}

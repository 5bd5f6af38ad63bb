using System.Net;
using Latchkey.Server.Hosting;
using Latchkey.Storage.Contract;
using Latchkey.Testing;

// The server runs out of process here, so a plain HttpClient is the right tool (the ban targets server code).
#pragma warning disable RS0030

namespace Latchkey.Server.Tests.RealServer;

/// <summary>
/// Two server processes on two loopback ports and one PostgreSQL database, nothing else shared: <c>migrate</c> once,
/// then nodes A and B, each with its own data directory and port, and the one public base URL a load balancer in
/// front of them would give. Keys are checked every second so a rotation propagates within the test; account
/// throttling starts after four failures.
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    private readonly List<string> _directories = [];
    private PostgresTestDatabase? _database;

    public ServerNode A { get; private set; } = null!;

    public ServerNode B { get; private set; } = null!;

    public BootstrapValues Bootstrap { get; private set; } = null!;

    public long DataProtectionKeysAfterMigrate { get; private set; }

    /// <summary>An API key with the server-admin permission, as the CLI would create one: rotating signing keys needs it.</summary>
    public string ServerAdminKey { get; private set; } = "";

    private async Task<string> AddServerAdminKeyAsync(Deployment deployment)
    {
        var key = Latchkey.Core.Clients.ApiKey.Prefix + Latchkey.Core.Tokens.SecretGenerator.NewToken();
        var digest = Latchkey.Core.Tokens.TokenHasher.FromMasterKey(Convert.FromBase64String(deployment.MasterKey)).Hash(key);
        await using var connection = new Npgsql.NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            """INSERT INTO api_keys ("Id", "SiteId", "Name", "KeyHash", "KeyVersion", "Permissions", "CreatedAt") VALUES (@id, @site, 'root', @hash, 1, 7, 0)""",
            connection);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("site", Guid.Parse(Bootstrap.SiteId));
        command.Parameters.AddWithValue("hash", digest);
        await command.ExecuteNonQueryAsync();
        return key;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask InitializeAsync()
    {
        // No server configured: each test skips (or fails, when required) itself; a fixture cannot skip.
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresTestDatabase.Variable)))
        {
            return;
        }

        _database = await PostgresTestDatabase.CreateAsync();
        var deployment = new Deployment(_database.ConnectionString, new()
        {
            // Behind a load balancer every node has the one public address; it is the issuer every token carries.
            ["Latchkey__PublicBaseUrl"] = "http://auth.latchkey.test",
            ["Latchkey__SigningKeys__CheckSeconds"] = "1",
            ["Latchkey__Throttling__AccountFailuresBeforeThrottle"] = "4",
            // One window for the whole test: a fixed 15-minute window could roll over between two attempts.
            ["Latchkey__Throttling__AccountWindowMinutes"] = "1440",
            // These tests are about state across nodes, not CAPTCHA: the failed logins of one test must not make the
            // next test's requests from the same address answer a challenge (the default risk mode, issue #21).
            ["Latchkey__Captcha__DefaultMode"] = "off",
        });
        Bootstrap = await deployment.MigrateAsync(Directory("migrate"));
        ServerAdminKey = await AddServerAdminKeyAsync(deployment);
        DataProtectionKeysAfterMigrate = await CountAsync("data_protection_keys");
        var nodes = await Task.WhenAll(
            ServerNode.StartAsync(deployment.Environment(Directory("a"))),
            ServerNode.StartAsync(deployment.Environment(Directory("b"))));
        (A, B) = (nodes[0], nodes[1]);
    }

    private string Directory(string name)
    {
        var path = System.IO.Directory.CreateTempSubdirectory($"latchkey-node-{name}-").FullName;
        _directories.Add(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Issue #7.4: stateless nodes. Whatever a request leaves behind on one node, the other node sees.</summary>
public sealed class StatelessNodesTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private const string NewPassword = "a brand new passphrase";
    private static readonly string[] AppCallback = ["https://app.example/callback"];
    private static readonly string[] AppOrigin = ["https://app.example"];
    private readonly ServerNode _a = nodes.A;
    private readonly ServerNode _b = nodes.B;
    private readonly string _clientId = nodes.Bootstrap?.ClientId ?? "";

    [Fact]
    public async Task Register_on_A_log_in_on_B_refresh_on_A_and_a_password_change_on_B_ends_the_other_session_on_A()
    {
        PostgresTestDatabase.ServerOrSkip();
        var visitor = await _a.VisitorTokenAsync(_clientId);
        var register = await _a.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/register", visitor, new { loginId = new { email = "ann@example.com" }, password = Wix.Password });
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        var first = (await register.JsonAsync()).GetProperty("sessionToken").GetString()!;

        // B accepts A's visitor token (the same signing keys) and knows the member A registered.
        var login = await _b.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "ann@example.com" }, password = Wix.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var second = (await login.JsonAsync()).GetProperty("sessionToken").GetString()!;

        // Codes cross nodes too: authorized on one, redeemed on the other.
        var (code1, verifier1) = await _a.AuthorizeAsync(_clientId, first);
        var session1 = await (await _b.Http.ExchangeAsJsonAsync(_clientId, code1, verifier1)).TokensAsync();
        var (code2, verifier2) = await _b.AuthorizeAsync(_clientId, second);
        var session2 = await (await _b.Http.ExchangeAsJsonAsync(_clientId, code2, verifier2)).TokensAsync();

        var refreshed = await (await _a.Http.RefreshAsJsonAsync(_clientId, session2.RefreshToken!)).TokensAsync();

        var change = await _b.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/change-password", "Bearer " + session1.AccessToken, new { newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        // On A, the other session is over at once: its refresh token and its access token (old and refreshed alike).
        await (await _a.Http.RefreshAsJsonAsync(_clientId, session2.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        var stale = await _a.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/change-password", refreshed.AccessToken, new { newPassword = "yet another passphrase" });
        await stale.AssertWixErrorAsync(401, "unauthenticated");
        // The session that changed the password lives on, on either node; only the new password logs in.
        Assert.Equal(HttpStatusCode.OK, (await _a.Http.RefreshAsJsonAsync(_clientId, session1.RefreshToken!)).StatusCode);
        var old = await _a.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "ann@example.com" }, password = Wix.Password });
        await old.AssertWixErrorAsync(401, "invalid_credentials");
        var fresh = await _a.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "ann@example.com" }, password = NewPassword });
        Assert.Equal("SUCCESS", (await fresh.JsonAsync()).GetProperty("state").GetString());
    }

    /// <summary>A member signed in through <paramref name="node"/>: its session token exchanged there for tokens.</summary>
    private async Task<(string Id, TokenSet Tokens)> SignedInAsync(ServerNode node, string email)
    {
        var visitor = await node.VisitorTokenAsync(_clientId);
        var register = await (await node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/register", visitor, new { loginId = new { email }, password = Wix.Password })).JsonAsync();
        var (code, verifier) = await node.AuthorizeAsync(_clientId, register.GetProperty("sessionToken").GetString()!);
        var tokens = await (await node.Http.ExchangeAsJsonAsync(_clientId, code, verifier)).TokensAsync();
        return (register.GetProperty("identity").GetProperty("id").GetString()!, tokens);
    }

    /// <summary>Issue #25: revocation is exact across nodes. Whatever ends a session on A, B refuses its tokens at the next request.</summary>
    [Fact]
    public async Task A_session_ended_on_A_by_logout_or_deletion_refuses_its_refresh_and_access_tokens_on_B_at_once()
    {
        PostgresTestDatabase.ServerOrSkip();
        var (_, loggedOut) = await SignedInAsync(_a, "lou@example.com");
        var (deletedId, deleted) = await SignedInAsync(_a, "dee@example.com");
        // B has served both: anything it might keep from these requests is warm.
        Assert.Equal(HttpStatusCode.OK, (await _b.Http.RefreshAsJsonAsync(_clientId, loggedOut.RefreshToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _b.Http.RefreshAsJsonAsync(_clientId, deleted.RefreshToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _b.SendAsync(HttpMethod.Get, "/members/v1/members/my", deleted.AccessToken)).StatusCode);
        // B served those refreshes on the token fast path (ADR 0025), which must see the ends below just as well.
        var fast = System.Text.RegularExpressions.Regex.Match(await _b.Http.GetStringAsync("/metrics"),
            """latchkey_token_fast_path_total\{[^}]*grant_type="refresh_token"[^}]*\} (\d+)""");
        Assert.True(fast.Success && long.Parse(fast.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, "B's refreshes did not take the fast path");

        // Logout on A: the SDK's logout, a redirect session's logout intent with the member's token.
        var logout = await _a.SendAsync(HttpMethod.Post, "/_api/redirects-api/v1/redirect-session", loggedOut.AccessToken,
            new { logout = new { clientId = _clientId }, callbacks = new { postFlowUrl = OAuthFlow.AppOrigin + "/" } });
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        // Deletion on A, by the site's admin.
        Assert.Equal(HttpStatusCode.OK, (await _a.SendAsync(HttpMethod.Delete, $"/members/v1/members/{deletedId}", nodes.Bootstrap.ApiKey)).StatusCode);

        await (await _b.Http.RefreshAsJsonAsync(_clientId, loggedOut.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        await (await _b.Http.RefreshAsJsonAsync(_clientId, deleted.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        await (await _b.SendAsync(HttpMethod.Get, "/members/v1/members/my", loggedOut.AccessToken)).AssertWixErrorAsync(401, "unauthenticated");
        await (await _b.SendAsync(HttpMethod.Get, "/members/v1/members/my", deleted.AccessToken)).AssertWixErrorAsync(401, "unauthenticated");
    }

    /// <summary>Issue #25: a rotating client's used refresh token presented on A revokes the family, and B refuses its newest token.</summary>
    [Fact]
    public async Task A_rotated_refresh_token_reused_on_A_revokes_the_family_that_B_rotated()
    {
        PostgresTestDatabase.ServerOrSkip();
        var created = await _a.SendAsync(HttpMethod.Post, "/admin/v1/clients", nodes.Bootstrap.ApiKey, new
        {
            kind = "standard",
            confidential = false,
            redirectUris = AppCallback,
            allowedOrigins = AppOrigin,
        });
        var clientId = (await created.JsonAsync()).GetProperty("clientId").GetString()!;
        var visitor = await _a.VisitorTokenAsync(_clientId);
        var register = await (await _a.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/register", visitor, new { loginId = new { email = "rot@example.com" }, password = Wix.Password })).JsonAsync();
        var authorize = new AuthorizeParameters(clientId, Pkce.New()) { SessionToken = register.GetProperty("sessionToken").GetString(), RedirectUri = "https://app.example/callback" };
        var code = OAuthFlow.CodeFrom(await _a.Http.GetAsync(authorize.Url()), "https://app.example/callback");
        var first = await (await _a.Http.ExchangeAsFormAsync(clientId, code, authorize.Pkce.Verifier, "https://app.example/callback")).TokensAsync();

        var second = await (await _b.Http.RefreshAsFormAsync(clientId, first.RefreshToken!)).TokensAsync();
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);

        await (await _a.Http.RefreshAsFormAsync(clientId, first.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
        await (await _b.Http.RefreshAsFormAsync(clientId, second.RefreshToken!)).AssertOAuthErrorAsync("invalid_grant");
    }

    [Fact]
    public async Task A_key_rotated_on_A_is_honoured_by_B_before_A_signs_with_it()
    {
        PostgresTestDatabase.ServerOrSkip();
        var before = await _a.VisitorTokenAsync(_clientId);
        var oldKid = Kid(before);

        var rotate = await _a.SendAsync(HttpMethod.Post, "/admin/v1/signing-keys/rotate", nodes.ServerAdminKey);

        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var rotated = await rotate.JsonAsync();
        var newKid = rotated.GetProperty("kid").GetString()!;
        var signsFrom = rotated.GetProperty("signsFrom").GetDateTimeOffset();
        Assert.NotEqual(oldKid, newKid);
        Assert.Contains(newKid, await JwksKidsAsync(_a)); // published at once, before it signs

        // Every token A issues from now on, whichever key signed it, is accepted by B the moment it is issued.
        var seen = new List<string>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!seen.Contains(newKid) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var token = await _a.VisitorTokenAsync(_clientId);
            seen.Add(Kid(token));
            Assert.True(await IsActiveOnAsync(_b, token), $"B refused a token A signed with {Kid(token)} (the new key is {newKid})");
            if (Kid(token) == newKid)
            {
                // Not at once: only from signsFrom, when every node has had two checks to read the key (iat is in
                // whole seconds).
                var issuedAt = DateTimeOffset.FromUnixTimeSeconds(OAuthFlow.JwtPart(token, 1).GetProperty("iat").GetInt64());
                Assert.True(issuedAt > signsFrom.AddSeconds(-1), $"signed with the new key at {issuedAt:O}, before {signsFrom:O}");
            }

            await Task.Delay(100);
        }

        Assert.Contains(newKid, seen);
        Assert.Contains(newKid, await JwksKidsAsync(_b));
        Assert.Contains(oldKid, await JwksKidsAsync(_b)); // the old key still verifies its tokens
        Assert.True(await IsActiveOnAsync(_b, before));
        Assert.True(await IsActiveOnAsync(_a, await _b.VisitorTokenAsync(_clientId)));
    }

    [Fact]
    public async Task Failed_logins_count_across_both_nodes()
    {
        PostgresTestDatabase.ServerOrSkip();
        var visitor = await _a.VisitorTokenAsync(_clientId);
        var register = await _b.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/register", visitor, new { loginId = new { email = "bob@example.com" }, password = Wix.Password });
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);

        // Four failures allowed (Latchkey:Throttling:AccountFailuresBeforeThrottle), two on each node.
        foreach (var node in (ServerNode[])[_a, _b, _a, _b])
        {
            var wrong = await node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "bob@example.com" }, password = "wrong password" });
            await wrong.AssertWixErrorAsync(401, "invalid_credentials");
        }

        // Neither node has seen four failures of its own, yet both throttle: the counter is the database's.
        foreach (var node in (ServerNode[])[_a, _b])
        {
            var throttled = await node.SendAsync(HttpMethod.Post, $"{Wix.Auth}/v2/login", visitor, new { loginId = new { email = "bob@example.com" }, password = Wix.Password });
            await throttled.AssertWixErrorAsync(429, "rate_limited");
        }
    }

    [Fact]
    public async Task A_form_rendered_by_A_is_accepted_by_B()
    {
        PostgresTestDatabase.ServerOrSkip();
        // migrate made the one Data Protection key: nodes that start together do not each make their own.
        Assert.Equal(1, nodes.DataProtectionKeysAfterMigrate);
        Assert.Equal(1, await nodes.CountAsync("data_protection_keys"));

        // The forgot-password page's anti-forgery token is Data Protection output: B can only check it with A's key ring.
        var page = await _a.Http.GetAsync($"/oauth2/authorize/forgot-password?client_id={_clientId}");
        var html = await page.Content.ReadAsStringAsync();
        var fields = System.Text.RegularExpressions.Regex.Matches(html, "<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")
            .ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["email"] = "nobody@example.com";
        using var post = new HttpRequestMessage(HttpMethod.Post, "/oauth2/authorize/forgot-password") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        var answer = await (await _b.Http.SendAsync(post)).Content.ReadAsStringAsync();

        // Past the CSRF check, to the answer: the form was not "expired" on B.
        Assert.Equal(2, fields.Count(f => f.Key != "email"));
        Assert.DoesNotContain("The form expired", answer, StringComparison.Ordinal);
        Assert.Contains("Check your email", answer, StringComparison.Ordinal);
    }

    private static async Task<bool> IsActiveOnAsync(ServerNode node, string token)
    {
        var response = await node.SendAsync(HttpMethod.Post, "/oauth2/token-info", null, new { token });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("active").GetBoolean();
    }

    private static async Task<List<string>> JwksKidsAsync(ServerNode node)
    {
        var jwks = await (await node.Http.GetAsync("/oauth2/jwks")).JsonAsync();
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static string Kid(string jwt) => OAuthFlow.JwtPart(jwt, 0).GetProperty("kid").GetString()!;
}

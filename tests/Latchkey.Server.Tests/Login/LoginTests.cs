using System.Net;
using Latchkey.Core.Passwords;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Login;

public class LoginTests
{
    private static async Task<(LatchkeyApp App, HttpClient Client)> WithMemberAsync(string email = "ann@example.com", Dictionary<string, string?>? settings = null)
    {
        var app = new LatchkeyApp(settings: settings);
        var client = await app.VisitorClientAsync();
        (await client.RegisterAsync(email)).EnsureSuccessStatusCode();
        return (app, client);
    }

    [Theory]
    [InlineData("/_api/iam/authentication/v2/login")]
    [InlineData("/iam/authentication/v2/login")]
    [InlineData("/authentication/v2/login")]
    public async Task The_right_password_gives_SUCCESS_and_a_session_token(string path)
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            var response = await client.PostAsync(path, HttpAssertions.Json("""{"loginId":{"email":"ANN@example.com"},"password":"correct horse battery"}"""));

            var body = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("SUCCESS", body.GetProperty("state").GetString());
            Assert.Equal(43, body.GetProperty("sessionToken").GetString()!.Length);
        }
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401_and_body()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            var wrong = await client.LoginAsync("ann@example.com", "not the password");
            var unknown = await client.LoginAsync("nobody@example.com", "not the password");

            var wrongBody = await wrong.AssertWixErrorAsync(401, "invalid_credentials");
            var unknownBody = await unknown.AssertWixErrorAsync(401, "invalid_credentials");
            Assert.Equal("-19976", wrongBody.WireCode());
            Assert.Equal(wrongBody.ToString(), unknownBody.ToString());
        }
    }

    [Fact]
    public async Task A_blocked_member_with_the_right_password_is_403_19980()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            app.Execute("UPDATE members SET Status = 3");

            await (await client.LoginAsync("ann@example.com", "not the password")).AssertWixErrorAsync(401, "invalid_credentials");
            Assert.Equal("-19980", (await (await client.LoginAsync("ann@example.com")).AssertWixErrorAsync(403, "member_blocked")).WireCode());
        }
    }

    [Fact]
    public async Task A_forced_reset_is_401_19973()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            app.Execute("UPDATE members SET PasswordResetRequired = 1");

            Assert.Equal("-19973", (await (await client.LoginAsync("ann@example.com")).AssertWixErrorAsync(401, "password_reset_required")).WireCode());
        }
    }

    [Fact]
    public async Task Reveal_unknown_email_gives_the_Wix_404_19999()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            app.Execute("UPDATE sites SET RevealUnknownEmail = 1");

            Assert.Equal("-19999", (await (await client.LoginAsync("nobody@example.com")).AssertWixErrorAsync(404, "member_not_found")).WireCode());
        }
    }

    [Fact]
    public async Task Pending_members_get_the_state_their_status_asks_for()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        app.Execute("UPDATE sites SET RequireEmailVerification = 1");
        await client.RegisterAsync("ann@example.com");
        app.Execute("UPDATE sites SET RequireEmailVerification = 0, RequireOwnerApproval = 1");
        await client.RegisterAsync("bob@example.com");
        app.Execute("UPDATE sites SET RequireEmailVerification = 1");

        var ann = await (await client.LoginAsync("ann@example.com")).JsonAsync();
        var bob = await (await client.LoginAsync("bob@example.com")).JsonAsync();

        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", ann.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(ann.GetProperty("stateToken").GetString()));
        Assert.Equal("REQUIRE_OWNER_APPROVAL", bob.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Login_errors_always_carry_an_applicationError_even_for_validation()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            var body = await (await client.LoginAsync("not-an-email", "x")).AssertWixErrorAsync(400, "validation_failed");

            Assert.Equal("INVALID_ARGUMENT", body.WireCode());
            Assert.Equal("EMAIL", body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0].GetProperty("data").GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task A_full_hashing_queue_answers_429_with_Retry_After()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Latchkey:Hashing:MaxConcurrency"] = "1",
            ["Latchkey:Hashing:QueueLimit"] = "0",
            ["Latchkey:Hashing:RetryAfterSeconds"] = "2",
        };
        var (app, client) = await WithMemberAsync(settings: settings);
        using (app)
        using (client)
        {
            var gate = app.Services.GetRequiredService<HashingGate>();
            using (await gate.TryEnterAsync(CancellationToken.None))
            {
                var response = await client.LoginAsync("ann@example.com");

                var body = await response.AssertWixErrorAsync(429, "hashing_busy");
                Assert.Equal("THROTTLED_FEATURE", body.WireCode());
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            }

            Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com")).StatusCode);
        }
    }

    [Fact]
    public async Task Login_rehashes_when_the_site_cost_changed()
    {
        var (app, client) = await WithMemberAsync();
        using (app)
        using (client)
        {
            app.Execute("UPDATE sites SET HashIterations = 3");

            Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com")).StatusCode);

            using var db = app.OpenDatabase();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT PasswordHash FROM members";
            Assert.Contains(",t=3,", (string)command.ExecuteScalar()!, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com")).StatusCode);
        }
    }
}

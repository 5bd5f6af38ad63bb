using System.Net;
using System.Net.Http.Json;
using System.Text;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Registration;

public class RegistrationTests
{
    [Theory]
    [InlineData("/_api/iam/authentication/v2/register")]
    [InlineData("/iam/authentication/v2/register")]
    [InlineData("/authentication/v2/register")]
    public async Task Register_succeeds_on_every_alias_with_the_full_identity(string path)
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var response = await client.PostAsJsonAsync(path, new
        {
            loginId = new { email = "Ann@Example.com" },
            password = Wix.Password,
            profile = new { nickname = "ann", firstName = "Ann" },
            captchaTokens = new[] { new { Recaptcha = "RC" } },
            clientMetaData = new { anything = 1 },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("SUCCESS", body.GetProperty("state").GetString());
        Assert.Equal(43, body.GetProperty("sessionToken").GetString()!.Length);
        var identity = body.GetProperty("identity");
        Assert.True(Guid.TryParse(identity.GetProperty("id").GetString(), out _));
        Assert.Equal("1", identity.GetProperty("revision").GetString()); // int64 as a string
        Assert.Equal("Ann@Example.com", identity.GetProperty("email").GetProperty("address").GetString());
        Assert.False(identity.GetProperty("email").GetProperty("isVerified").GetBoolean());
        Assert.Equal("ACTIVE", identity.GetProperty("status").GetProperty("name").GetString());
        Assert.Equal(0, identity.GetProperty("status").GetProperty("reasons").GetArrayLength());
        Assert.Equal(0, identity.GetProperty("connections").GetArrayLength());
        var profile = identity.GetProperty("identityProfile");
        Assert.Equal("ann", profile.GetProperty("nickname").GetString());
        foreach (var array in new[] { "emails", "phones", "labels", "customFields", "secondaryEmails", "phonesV2", "addresses" })
        {
            Assert.Equal(0, profile.GetProperty(array).GetArrayLength());
        }

        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", identity.GetProperty("createdDate").GetString());
    }

    [Fact]
    public async Task The_password_is_stored_as_an_argon2id_hash_and_the_session_token_as_a_digest()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var body = await (await client.RegisterAsync("ann@example.com")).JsonAsync();
        var sessionToken = body.GetProperty("sessionToken").GetString()!;

        using var db = app.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM members";
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", (string)command.ExecuteScalar()!);
        AssertNowhereInDatabase(app, sessionToken);
        AssertNowhereInDatabase(app, Wix.Password);
    }

    [Fact]
    public async Task Register_with_an_existing_email_is_409_19995_whatever_its_case()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");

        var body = await (await client.RegisterAsync(" ANN@example.COM ")).AssertWixErrorAsync(409, "email_already_exists");

        Assert.Equal("-19995", body.WireCode());
        Assert.Equal(1, app.Count("members"));
    }

    [Theory]
    [InlineData("not-an-email", Wix.Password, "loginId.email", "FORMAT")]
    [InlineData("ann@example.com", "short", "password", "MIN_LENGTH")]
    [InlineData("ann@example.com", "password123", "password", "COMMON_PASSWORD")]
    [InlineData("", Wix.Password, "loginId.email", "REQUIRED_FIELD")]
    [InlineData("ann@example.com", "", "password", "REQUIRED_FIELD")]
    public async Task Invalid_fields_are_400_field_violations(string email, string password, string field, string rule)
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var body = await (await client.RegisterAsync(email, password)).AssertWixErrorAsync(400, "validation_failed");

        var violation = body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0];
        Assert.Equal(field, violation.GetProperty("field").GetString());
        Assert.Equal(rule, violation.GetProperty("violatedRule").GetString());
        Assert.Equal(0, app.Count("members"));
    }

    [Fact]
    public async Task An_invalid_email_carries_data_type_EMAIL_for_the_SDK()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var body = await (await client.RegisterAsync("nope", "short")).AssertWixErrorAsync(400, "validation_failed");

        var violations = body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations");
        Assert.Equal(2, violations.GetArrayLength()); // every problem at once
        Assert.Equal("EMAIL", violations[0].GetProperty("data").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_too_long_profile_field_is_a_field_violation()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var response = await client.RegisterAsync("ann@example.com", profile: new { company = new string('x', 1001) });

        var body = await response.AssertWixErrorAsync(400, "validation_failed");
        Assert.Equal("profile.company", body.GetProperty("details").GetProperty("validationError").GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Verification_policy_gives_REQUIRE_EMAIL_VERIFICATION_with_a_hashed_state_token()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        app.Execute("UPDATE sites SET RequireEmailVerification = 1");

        var body = await (await client.RegisterAsync("ann@example.com")).JsonAsync();

        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", body.GetProperty("state").GetString());
        Assert.False(body.TryGetProperty("sessionToken", out _));
        var stateToken = body.GetProperty("stateToken").GetString()!;
        Assert.Equal("PENDING", body.GetProperty("identity").GetProperty("status").GetProperty("name").GetString());
        Assert.Equal("PENDING_EMAIL_VERIFICATION_REQUIRED", body.GetProperty("identity").GetProperty("status").GetProperty("reasons")[0].GetString());
        Assert.Equal(1, app.Count("flows"));
        AssertNowhereInDatabase(app, stateToken);
    }

    [Fact]
    public async Task Approval_policy_gives_REQUIRE_OWNER_APPROVAL()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        app.Execute("UPDATE sites SET RequireOwnerApproval = 1");

        var body = await (await client.RegisterAsync("ann@example.com")).JsonAsync();

        Assert.Equal("REQUIRE_OWNER_APPROVAL", body.GetProperty("state").GetString());
        Assert.Equal("PENDING_ADMIN_APPROVAL_REQUIRED", body.GetProperty("identity").GetProperty("status").GetProperty("reasons")[0].GetString());
    }

    [Theory]
    [InlineData("""{"loginId":""", "malformed_body")]
    [InlineData("""{"loginId":{"email":5},"password":"x"}""", "malformed_body")]
    [InlineData("""{"loginId":"ann@example.com"}""", "malformed_body")]
    [InlineData("""{"loginId":{"email":"a@b.co"},"password":["x"]}""", "malformed_body")]
    [InlineData("""null""", "malformed_body")]
    [InlineData("""[]""", "malformed_body")]
    [InlineData("", "malformed_body")]
    [InlineData("""{}""", "validation_failed")]
    public async Task Bad_bodies_get_a_clear_400(string json, string code)
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var response = await client.PostAsync($"{Wix.Auth}/v2/register", HttpAssertions.Json(json));

        await response.AssertWixErrorAsync(400, code);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var response = await client.PostAsync($"{Wix.Auth}/v2/register", new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertWixErrorAsync(415, "unsupported_media_type");
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        var huge = $$"""{"loginId":{"email":"a@b.co"},"password":"{{new string('x', 70_000)}}"}""";
        var response = await client.PostAsync($"{Wix.Auth}/v2/register", HttpAssertions.Json(huge));

        await response.AssertWixErrorAsync(413, "body_too_large");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln")]
    [InlineData("lk_not-a-real-key")]
    [InlineData(",")]
    [InlineData("Bearer ")]
    public async Task Register_without_a_valid_credential_is_401(string? authorization)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        await (await client.RegisterAsync("ann@example.com")).AssertWixErrorAsync(401, "unauthenticated");
    }

    [Fact]
    public async Task An_expired_visitor_token_is_401()
    {
        using var app = new LatchkeyApp();
        var token = await app.VisitorTokenAsync();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        app.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(10));

        await (await client.RegisterAsync("ann@example.com")).AssertWixErrorAsync(401, "unauthenticated");
    }

    [Fact]
    public async Task A_token_for_a_site_that_no_longer_exists_is_404_site_not_found()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        app.Execute("PRAGMA foreign_keys = ON; DELETE FROM sites;");

        await (await client.RegisterAsync("ann@example.com")).AssertWixErrorAsync(404, "site_not_found");
    }

    [Fact]
    public async Task A_Bearer_prefixed_token_works_too()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + await app.VisitorTokenAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.RegisterAsync("ann@example.com")).StatusCode);
    }

    internal static void AssertNowhereInDatabase(LatchkeyApp app, params string[] secrets)
    {
        // Read the raw file (and its WAL) so that no column or table is overlooked.
        foreach (var file in Directory.GetFiles(app.DataDirectory, "latchkey.db*"))
        {
            string contents;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                contents = Encoding.UTF8.GetString(memory.ToArray());
            }
            catch (FileNotFoundException)
            {
                // SQLite removes its -shm/-wal files when the last connection closes; gone files hold nothing.
                continue;
            }

            Assert.All(secrets, secret => Assert.DoesNotContain(secret, contents, StringComparison.Ordinal));
        }
    }
}

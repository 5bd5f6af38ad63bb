using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.SignOn;

public class SignOnTests
{
    [Fact]
    public async Task The_api_key_creates_the_member_and_returns_a_session_token()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient(await app.VisitorTokenAsync());

        var response = await client.SignOnAsync("Bob@Example.com", new { firstName = "Bob" }, verifyEmail: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(43, body.GetProperty("sessionToken").GetString()!.Length);
        var identity = body.GetProperty("identity");
        Assert.Equal("Bob", identity.GetProperty("identityProfile").GetProperty("firstName").GetString());
        Assert.True(identity.GetProperty("email").GetProperty("isVerified").GetBoolean());
        Assert.Equal("ACTIVE", identity.GetProperty("status").GetProperty("name").GetString());
        Assert.Equal(0, identity.GetProperty("factors").GetArrayLength()); // no password
        Assert.Equal(1, app.Count("members"));
    }

    [Fact]
    public async Task Signing_on_an_existing_member_updates_the_profile_and_keeps_one_member()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();
        var registered = await (await visitor.RegisterAsync("ann@example.com", profile: new { nickname = "ann" })).JsonAsync();
        using var client = app.ApiKeyClient();

        var body = await (await client.SignOnAsync("ANN@example.com", new { lastName = "Lee" })).JsonAsync();

        var identity = body.GetProperty("identity");
        Assert.Equal(registered.GetProperty("identity").GetProperty("id").GetString(), identity.GetProperty("id").GetString());
        Assert.Equal("ann", identity.GetProperty("identityProfile").GetProperty("nickname").GetString());
        Assert.Equal("Lee", identity.GetProperty("identityProfile").GetProperty("lastName").GetString());
        Assert.Equal("2", identity.GetProperty("revision").GetString());
        Assert.Equal(1, app.Count("members"));
    }

    [Fact]
    public async Task A_visitor_token_alone_is_403()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        await (await client.SignOnAsync("bob@example.com")).AssertWixErrorAsync(403, "permission_denied");
        Assert.Equal(0, app.Count("members"));
    }

    [Fact]
    public async Task An_unknown_api_key_is_401()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "lk_" + new string('A', 43));

        await (await client.SignOnAsync("bob@example.com")).AssertWixErrorAsync(401, "unauthenticated");
    }

    [Fact]
    public async Task A_blocked_member_cannot_be_signed_on()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();
        (await client.SignOnAsync("bob@example.com")).EnsureSuccessStatusCode();
        app.Execute("UPDATE members SET Status = 3");

        await (await client.SignOnAsync("bob@example.com")).AssertWixErrorAsync(403, "member_blocked");
    }

    [Fact]
    public async Task A_member_waiting_for_the_owners_approval_is_403_member_pending_approval()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();
        (await client.SignOnAsync("bob@example.com")).EnsureSuccessStatusCode();
        app.Execute("UPDATE members SET Status = 2, PendingReasons = 3");

        var body = await (await client.SignOnAsync("bob@example.com", verifyEmail: true)).AssertWixErrorAsync(403, "member_pending_approval");

        Assert.Equal("-19958", body.WireCode());
    }

    [Fact]
    public async Task A_member_with_an_admin_forced_reset_is_401_password_reset_required()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();
        (await client.SignOnAsync("bob@example.com")).EnsureSuccessStatusCode();
        app.Execute("UPDATE members SET PasswordResetRequired = 1");

        await (await client.SignOnAsync("bob@example.com")).AssertWixErrorAsync(401, "password_reset_required");
    }

    [Fact]
    public async Task A_member_pending_only_email_verification_is_signed_on_with_a_session_token_that_redeems()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();
        (await client.SignOnAsync("bob@example.com")).EnsureSuccessStatusCode();
        app.Execute("UPDATE members SET Status = 2, PendingReasons = 1, EmailVerified = 0");

        var body = await (await client.SignOnAsync("bob@example.com")).JsonAsync();

        Assert.Equal("ACTIVE", body.GetProperty("identity").GetProperty("status").GetProperty("name").GetString());
        Assert.False(body.GetProperty("identity").GetProperty("email").GetProperty("isVerified").GetBoolean());
        var tokens = await app.MemberTokensAsync(body.GetProperty("sessionToken").GetString()!);
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
    }

    [Fact]
    public async Task Signing_on_a_deleted_accounts_email_starts_a_new_active_account_on_the_record()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();
        (await visitor.RegisterAsync("ann@example.com", profile: new { nickname = "old" })).EnsureSuccessStatusCode();
        app.Execute("UPDATE members SET Status = 4");
        using var client = app.ApiKeyClient();

        var identity = (await (await client.SignOnAsync("ann@example.com", new { firstName = "New" })).JsonAsync()).GetProperty("identity");

        Assert.Equal("ACTIVE", identity.GetProperty("status").GetProperty("name").GetString());
        Assert.False(identity.GetProperty("identityProfile").TryGetProperty("nickname", out _));
        Assert.Equal(0, identity.GetProperty("factors").GetArrayLength()); // the old password is gone
        await (await visitor.LoginAsync("ann@example.com")).AssertWixErrorAsync(401, "invalid_credentials");
    }

    [Fact]
    public async Task An_invalid_email_is_a_field_violation()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();

        await (await client.SignOnAsync("nope")).AssertWixErrorAsync(400, "validation_failed");
    }

    [Fact]
    public async Task The_api_key_is_stored_only_as_a_digest()
    {
        using var app = new LatchkeyApp();
        using var client = app.ApiKeyClient();
        var token = (await (await client.SignOnAsync("bob@example.com")).JsonAsync()).GetProperty("sessionToken").GetString()!;

        Registration.RegistrationTests.AssertNowhereInDatabase(app, app.Bootstrap.ApiKey);
        Registration.RegistrationTests.AssertNowhereInDatabase(app, token);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>enumerationSafeRegistration: a taken email answers like a new one, the owner is told, the decoy leads nowhere.</summary>
public sealed class EnumerationSafeRegistrationTests : IDisposable
{
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public EnumerationSafeRegistrationTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }

    private async Task<HttpClient> SafeSiteAsync(bool enumerationSafe = true)
    {
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/enumeration-policy", new { enumerationSafeRegistration = enumerationSafe })).EnsureSuccessStatusCode();
        return await _app.VisitorClientAsync();
    }

    private static IEnumerable<string> Shape(JsonElement element, string path = "") => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Shape(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Shape(e, $"{path}[{i}]")),
        _ => [$"{path}:{element.ValueKind}"],
    };

    [Fact]
    public async Task A_taken_email_answers_like_a_new_one_and_the_owner_gets_a_notice_not_a_code()
    {
        using var client = await SafeSiteAsync();
        var first = await (await client.RegisterAsync("ann@example.com")).JsonAsync();
        await _mail.NextBodyAsync("ann@example.com"); // ann's own code
        var fresh = await (await client.RegisterAsync("bob@example.com")).JsonAsync();

        var again = await client.RegisterAsync("ann@example.com", "another long passphrase");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var decoy = await again.JsonAsync();
        Assert.Equal("REQUIRE_EMAIL_VERIFICATION", decoy.GetProperty("state").GetString());
        Assert.Equal(Shape(fresh).Order(), Shape(decoy).Order()); // the same fields, the same types
        Assert.NotEqual(first.GetProperty("identity").GetProperty("id").GetString(), decoy.GetProperty("identity").GetProperty("id").GetString());
        Assert.Contains("Someone tried to create an account", await _mail.NextBodyAsync("ann@example.com"), StringComparison.Ordinal);
        Assert.Equal(2, _app.Count("members"));
    }

    [Fact]
    public async Task The_wix_sign_on_policy_patch_cannot_turn_off_the_email_step_that_enumeration_safety_needs()
    {
        using var client = await SafeSiteAsync();
        using var admin = _app.ApiKeyClient();

        var refused = await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = false } });

        await refused.AssertWixErrorAsync(400, "validation_failed");
        var policy = await (await admin.GetAsync("/iam/signon/v1/sign-on-policies")).JsonAsync();
        Assert.True(policy.GetProperty("signOnPolicy").GetProperty("requireEmailVerification").GetBoolean());
        // The owner-approval switch is independent and still changes, audited like any site update.
        (await admin.PatchAsJsonAsync("/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireOwnerApproval = true } })).EnsureSuccessStatusCode();
        Assert.Equal(1L, _app.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE Action = 'site.updated' AND Details LIKE '%requireOwnerApproval%'"));
    }

    [Fact]
    public async Task The_decoy_state_token_never_verifies_and_its_resend_sends_nothing()
    {
        using var client = await SafeSiteAsync();
        await client.RegisterAsync("ann@example.com");
        await _mail.NextBodyAsync("ann@example.com");
        var stateToken = (await (await client.RegisterAsync("ann@example.com")).JsonAsync()).GetProperty("stateToken").GetString();
        await _mail.NextBodyAsync("ann@example.com"); // the notice
        var sent = _mail.CountTo("ann@example.com");
        var queued = _app.Count("email_outbox");

        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        var resent = await client.PostAsJsonAsync("/_api/iam/verification/v1/auth/resend", new { stateToken });
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);

        for (var i = 0; i < 4; i++)
        {
            await (await client.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code = $"{i:000000}", stateToken }))
                .AssertWixErrorAsync(400, "verification_code_invalid");
        }

        await (await client.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code = "123456", stateToken }))
            .AssertWixErrorAsync(400, "verification_attempts_exceeded");
        // Nothing more was queued, so nothing more can arrive: no waiting to prove an absence.
        Assert.Equal(queued, _app.Count("email_outbox"));
        Assert.Equal(sent, _mail.CountTo("ann@example.com"));
    }

    [Fact]
    public async Task Off_by_default_a_taken_email_is_409_and_it_cannot_be_turned_on_without_email_verification()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");
        await (await client.RegisterAsync("ann@example.com")).AssertWixErrorAsync(409, "email_already_exists");

        using var admin = _app.ApiKeyClient();
        var refused = await admin.PatchAsJsonAsync("/admin/v1/enumeration-policy", new { enumerationSafeRegistration = true });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}

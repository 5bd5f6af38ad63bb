using System.Net;
using System.Text.Json;
using Latchkey.Server.OAuth;
using Latchkey.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Validation;

namespace Latchkey.Server.Tests.Tokens;

public class KeyRotationTests
{
    /// <summary>The default: two key checks of 60 s.</summary>
    private static readonly TimeSpan PropagationDelay = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task After_the_signing_period_a_new_key_signs_and_the_old_one_verifies_until_its_tokens_expire()
    {
        using var app = new LatchkeyApp();
        using var http = app.CreateClient();
        var rotation = app.Services.GetRequiredService<SigningKeyRotation>();
        var first = await app.VisitorTokenAsync();
        var oldKid = Kid(first);

        // Just before the period ends, a token is signed with the old key; just after, a new key is created and
        // published, and takes over once every node has had the time to read it (decision 0012).
        app.Clock.Advance(SigningKeyRing.SigningPeriod - TimeSpan.FromMinutes(1));
        var lastOld = await app.VisitorTokenAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await rotation.RunOnceAsync(CancellationToken.None));
        var newKid = Assert.Single(await JwksKidsAsync(http), kid => kid != oldKid);
        Assert.Equal(oldKid, Kid(await app.VisitorTokenAsync()));
        app.Clock.Advance(PropagationDelay);
        Assert.True(await rotation.RunOnceAsync(CancellationToken.None));

        var fresh = await app.VisitorTokenAsync();
        Assert.Equal(oldKid, Kid(lastOld));
        Assert.Equal(newKid, Kid(fresh));
        Assert.Equal(new[] { oldKid, Kid(fresh) }.Order(), (await JwksKidsAsync(http)).Order());
        Assert.Equal(HttpStatusCode.OK, (await RegisterWith(app, lastOld, "old@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RegisterWith(app, fresh, "new@example.com")).StatusCode);

        // Its access tokens expire within hours, but the refresh tokens it signed live on, so it stays published...
        app.Clock.Advance(OpenIddictSetup.AccessTokenLifetime + TimeSpan.FromMinutes(5));
        await rotation.RunOnceAsync(CancellationToken.None);
        Assert.Equal(new[] { oldKid, Kid(fresh) }.Order(), (await JwksKidsAsync(http)).Order());

        // ...until the longest-lived of them has expired (ADR 0015).
        app.Clock.Advance(OpenIddictSetup.LongestTokenLifetime);
        await rotation.RunOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(oldKid, await JwksKidsAsync(http));
    }

    [Fact]
    public async Task A_key_made_before_ADR_0015_is_extended_at_start_so_its_refresh_tokens_keep_working()
    {
        using var app = new LatchkeyApp();
        await app.VisitorTokenAsync();
        var ring = app.Services.GetRequiredService<SigningKeyRing>();
        var earlyOverlap = (2 * PropagationDelay) + OpenIddictSetup.AccessTokenLifetime;
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>();
        var key = await db.SigningKeys.SingleAsync();
        // What a key was given before ADR 0015, and one whose trust an early rotation ended (a different instant).
        key.RetiresAt = key.CreatedAt + SigningKeyRing.SigningPeriod + earlyOverlap;
        var ended = new Latchkey.Storage.SigningKey
        {
            Id = "ended",
            Algorithm = key.Algorithm,
            EncryptedPrivateKey = key.EncryptedPrivateKey,
            CreatedAt = key.CreatedAt - TimeSpan.FromDays(1),
            RetiresAt = key.CreatedAt + earlyOverlap,
        };
        db.SigningKeys.Add(ended);
        await db.SaveChangesAsync();

        Assert.Equal(1, await ring.ExtendKeysMadeBeforeAdr0015Async(db, CancellationToken.None));
        Assert.Equal(0, await ring.ExtendKeysMadeBeforeAdr0015Async(db, CancellationToken.None));

        var reread = await db.SigningKeys.AsNoTracking().ToDictionaryAsync(k => k.Id);
        Assert.Equal(key.CreatedAt + SigningKeyRing.SigningPeriod + (2 * PropagationDelay) + OpenIddictSetup.LongestTokenLifetime, reread[key.Id].RetiresAt);
        Assert.Equal(key.CreatedAt + earlyOverlap, reread["ended"].RetiresAt);
    }

    [Fact]
    public async Task A_check_within_the_period_changes_nothing()
    {
        using var app = new LatchkeyApp();
        await app.VisitorTokenAsync();

        Assert.False(await app.Services.GetRequiredService<SigningKeyRotation>().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, app.Count("signing_keys"));
    }

    [Fact]
    public async Task A_rotation_publishes_the_new_key_at_once_and_signs_with_it_after_the_delay()
    {
        using var app = new LatchkeyApp();
        using var http = app.CreateClient();
        var before = await app.VisitorTokenAsync();
        using var admin = await app.ServerAdminClientAsync();
        // The test clock stands still: without this the two keys would share one creation instant, which real
        // clocks never give, and which one signs first would be left to the order of their ids.
        app.Clock.Advance(TimeSpan.FromSeconds(1));

        var rotate = await admin.PostAsync("/admin/v1/signing-keys/rotate", null);

        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var body = await rotate.JsonAsync();
        var newKid = body.GetProperty("kid").GetString()!;
        Assert.Equal(app.Clock.GetUtcNow() + PropagationDelay, body.GetProperty("signsFrom").GetDateTimeOffset());
        Assert.Contains(newKid, await JwksKidsAsync(http));
        Assert.Equal(Kid(before), Kid(await app.VisitorTokenAsync()));

        app.Clock.Advance(PropagationDelay);
        await app.Services.GetRequiredService<SigningKeyRotation>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(newKid, Kid(await app.VisitorTokenAsync()));
        Assert.Equal(HttpStatusCode.OK, (await RegisterWith(app, before, "before@example.com")).StatusCode);
        // Rotating needs server-admin (issue #21), and a server-wide rotation ends the old key's trust once its access
        // tokens have expired: the next test.
    }

    [Fact]
    public async Task A_server_wide_rotation_ends_the_old_keys_trust_once_its_access_tokens_have_expired()
    {
        using var app = new LatchkeyApp();
        using var http = app.CreateClient();
        var before = await app.VisitorTokenAsync();
        app.Clock.Advance(TimeSpan.FromSeconds(1));

        // The CLI (or a server-admin key) answers a suspected leak: the old key is trusted only as long as the access
        // tokens it signed (which a thief could forge) live, not for the rest of its 90 days nor for its refresh tokens.
        string newKid;
        using (var scope = app.Services.CreateScope())
        {
            newKid = (await scope.ServiceProvider.GetRequiredService<Latchkey.Server.Admin.SigningKeyAdmin>()
                .RotateAsync(Latchkey.Server.Admin.AdminActor.Cli, CancellationToken.None)).Value!.Kid;
        }

        var rotation = app.Services.GetRequiredService<SigningKeyRotation>();
        app.Clock.Advance(PropagationDelay);
        await rotation.RunOnceAsync(CancellationToken.None);
        Assert.Contains(Kid(before), await JwksKidsAsync(http));
        app.Clock.Advance(OpenIddictSetup.AccessTokenLifetime + (2 * PropagationDelay));
        await rotation.RunOnceAsync(CancellationToken.None);
        Assert.Equal([newKid], await JwksKidsAsync(http));
    }

    [Fact]
    public async Task After_every_change_the_validation_side_trusts_the_keys_the_server_publishes()
    {
        using var app = new LatchkeyApp();
        using var http = app.CreateClient();
        using var admin = await app.ServerAdminClientAsync();
        var validation = app.Services.GetRequiredService<IOptionsMonitor<OpenIddictValidationOptions>>();
        await app.VisitorTokenAsync();

        // Both options are rebuilt on each change; validation copies the server's keys, so it must come second.
        // The two rebuild in turn-about order unless the ring orders them: one of two rotations would show it.
        for (var i = 0; i < 2; i++)
        {
            (await admin.PostAsync("/admin/v1/signing-keys/rotate", null)).EnsureSuccessStatusCode();

            // OpenIddict's local-server integration copies every server key, the private HMAC one too (ADR 0017).
            var trusted = validation.CurrentValue.Configuration!.SigningKeys.Select(k => k.KeyId).Order();
            Assert.Equal((await JwksKidsAsync(http)).Append(PrivateTokenSigning.KeyId).Order(), trusted);
        }
    }

    [Fact]
    public async Task Refresh_tokens_signed_by_the_old_key_keep_working_after_the_new_key_takes_over()
    {
        using var app = new LatchkeyApp();
        var rotation = app.Services.GetRequiredService<SigningKeyRotation>();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var stable = (await app.MemberTokensAsync((await app.RegisterMemberAsync("wix@example.com")).SessionToken)).RefreshToken!;
        var rotating = (await app.MemberTokensAsync(standard, (await app.RegisterMemberAsync("std@example.com")).SessionToken)).RefreshToken!;
        using var client = app.CreateClient();

        // Late in the first key's period both members refresh (the rotating token is replaced, signed by that key).
        app.Clock.Advance(SigningKeyRing.SigningPeriod - TimeSpan.FromDays(10));
        await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, stable)).TokensAsync();
        rotating = (await (await client.RefreshAsFormAsync(standard.ClientId, rotating)).TokensAsync()).RefreshToken!;

        // The period ends, a new key takes over, and a scheduled check runs well after the old key's access tokens
        // have all expired: the refresh tokens it signed still have weeks (or, for the Wix SDK, most of a year) to live.
        app.Clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(1));
        Assert.True(await rotation.RunOnceAsync(CancellationToken.None));
        app.Clock.Advance(PropagationDelay);
        await rotation.RunOnceAsync(CancellationToken.None);
        app.Clock.Advance(OpenIddictSetup.AccessTokenLifetime + (4 * PropagationDelay));
        await rotation.RunOnceAsync(CancellationToken.None);

        await (await client.RefreshAsJsonAsync(app.Bootstrap.ClientId, stable)).TokensAsync();
        await (await client.RefreshAsFormAsync(standard.ClientId, rotating)).TokensAsync();
    }

    [Fact]
    public async Task Refresh_tokens_outlive_a_server_wide_rotation_that_ended_the_old_keys_trust()
    {
        using var app = new LatchkeyApp();
        using var http = app.CreateClient();
        var rotation = app.Services.GetRequiredService<SigningKeyRotation>();
        var standard = await app.RegisterStandardClientAsync(confidential: false);
        var stable = (await app.MemberTokensAsync((await app.RegisterMemberAsync("wix@example.com")).SessionToken)).RefreshToken!;
        var rotating = (await app.MemberTokensAsync(standard, (await app.RegisterMemberAsync("std@example.com")).SessionToken)).RefreshToken!;
        string newKid;
        using (var scope = app.Services.CreateScope())
        {
            newKid = (await scope.ServiceProvider.GetRequiredService<Latchkey.Server.Admin.SigningKeyAdmin>()
                .RotateAsync(Latchkey.Server.Admin.AdminActor.Cli, CancellationToken.None)).Value!.Kid;
        }

        app.Clock.Advance(PropagationDelay);
        await rotation.RunOnceAsync(CancellationToken.None);
        app.Clock.Advance(OpenIddictSetup.AccessTokenLifetime + (2 * PropagationDelay));
        await rotation.RunOnceAsync(CancellationToken.None);
        Assert.Equal([newKid], await JwksKidsAsync(http));

        // ADR 0017: refresh tokens are signed with the private HMAC key, not the published ones, so ending the old
        // key's trust (a suspected leak) does not sign members out; their new access tokens carry the new key.
        var renewed = await (await http.RefreshAsJsonAsync(app.Bootstrap.ClientId, stable)).TokensAsync();
        await (await http.RefreshAsFormAsync(standard.ClientId, rotating)).TokensAsync();
        Assert.Equal(newKid, Kid(renewed.AccessToken));
        Assert.Equal("ES256", OAuthFlow.JwtPart(renewed.AccessToken, 0).GetProperty("alg").GetString());
        Assert.DoesNotContain(PrivateTokenSigning.KeyId, await JwksKidsAsync(http));
    }

    [Fact]
    public async Task Rotating_needs_a_server_admin_api_key()
    {
        using var app = new LatchkeyApp();
        using var visitor = await app.VisitorClientAsync();
        using var siteAdmin = app.ApiKeyClient();

        foreach (var response in (HttpResponseMessage[])[await visitor.PostAsync("/admin/v1/signing-keys/rotate", null), await siteAdmin.PostAsync("/admin/v1/signing-keys/rotate", null)])
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("permission_denied", (await response.JsonAsync()).GetProperty("code").GetString());
        }

        Assert.Equal(1, app.Count("signing_keys"));
    }

    private static async Task<HttpResponseMessage> RegisterWith(LatchkeyApp app, string token, string email)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        return await client.RegisterAsync(email);
    }

    private static async Task<List<string>> JwksKidsAsync(HttpClient http)
    {
        var jwks = await (await http.GetAsync("/oauth2/jwks")).JsonAsync();
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static string Kid(string jwt) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;
}

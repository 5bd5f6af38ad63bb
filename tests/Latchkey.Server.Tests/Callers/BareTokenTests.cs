using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Callers;

/// <summary>
/// The Wix SDK's module clients send <c>Authorization: &lt;token&gt;</c> without a scheme (issue #24;
/// docs/wire/conventions.md#request-headers): every endpoint that takes a member or visitor token accepts it bare as
/// it does with <c>Bearer</c>.
/// </summary>
public sealed class BareTokenTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> BareAsync()
    {
        var member = await _app.RegisterMemberAsync();
        var tokens = await _app.MemberTokensAsync(member.SessionToken);
        var client = _app.CreateClient();
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken));
        return client;
    }

    [Fact]
    public async Task User_info_takes_a_bare_token_and_leaves_out_what_it_does_not_know()
    {
        using var client = await BareAsync();

        var response = await client.GetAsync("/oauth2/user-info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.JsonAsync();
        Assert.Equal("ann@example.com", info.GetProperty("email").GetString());
        // The member registered without a profile: no name, picture or language, rather than nulls.
        foreach (var property in info.EnumerateObject())
        {
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, property.Value.ValueKind);
        }

        Assert.False(info.TryGetProperty("givenName", out _));
    }

    [Fact]
    public async Task Mfa_enrolment_takes_a_bare_token()
    {
        using var client = await BareAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/mfa/v1")).StatusCode);
    }

    [Fact]
    public async Task Change_password_takes_a_bare_token()
    {
        using var client = await BareAsync();

        var response = await client.PostAsJsonAsync("/_api/iam/authentication/v2/change-password", new { newPassword = "another long passphrase 7" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_bare_token_that_is_not_valid_is_still_401()
    {
        using var client = _app.CreateClient();
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "not-a-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/oauth2/user-info")).StatusCode);
    }
}

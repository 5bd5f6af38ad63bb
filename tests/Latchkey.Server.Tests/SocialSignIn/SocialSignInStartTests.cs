using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// The start of a social sign-in against an attacker (issue #26). An OpenID provider's issuer is fetched by the server
/// (issue #21's outbound rule): one that leads into the server's own network is refused when saved, and again at each
/// request the sign-in makes, redirects included, so a name re-pointed after it was saved is never connected to. Starts
/// are counted per address like the provider's return.
/// </summary>
public sealed class SocialSignInStartTests
{
    [Fact]
    public async Task An_issuer_that_now_leads_to_loopback_is_never_connected_to_and_the_member_sees_a_page()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var app = new LatchkeyApp();
        using var admin = app.ApiKeyClient();
        var created = await admin.PostAsJsonAsync("/admin/v1/identity-providers", new
        {
            kind = "openIdConnect",
            issuer = "https://id.example.invalid/",
            clientId = "c",
            clientSecret = "s",
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();

        // As if the name now resolves to loopback: the issuer is in the database, the request-time check still holds.
        app.Execute($"""UPDATE identity_providers SET "Issuer" = 'http://127.0.0.1:{port}/'""");
        using var browser = app.CreateClient();
        var started = await browser.GetAsync($"/sign-in/social/{id}?client_id={app.Bootstrap.ClientId}");

        Assert.Equal(HttpStatusCode.BadGateway, started.StatusCode);
        Assert.Contains("did not work", await started.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(listener.Pending(), "the server connected to the loopback issuer");
    }

    [Fact]
    public async Task A_provider_redirecting_its_discovery_into_the_server_s_network_is_not_followed()
    {
        using var inside = new TcpListener(IPAddress.Loopback, 0);
        inside.Start();
        var insidePort = ((IPEndPoint)inside.LocalEndpoint).Port;
        // The "public" provider: 127.0.0.2, the one network this server allows; it redirects to 127.0.0.1, which it does not.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.2:0");
        await using var provider = builder.Build();
        provider.MapGet("/.well-known/openid-configuration", () => Results.Redirect($"http://127.0.0.1:{insidePort}/metadata"));
        await provider.StartAsync();
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.2/32" });
        using var admin = app.ApiKeyClient();
        var created = await admin.PostAsJsonAsync("/admin/v1/identity-providers", new
        {
            kind = "openIdConnect",
            issuer = provider.Urls.First() + "/",
            clientId = "c",
            clientSecret = "s",
        });
        created.EnsureSuccessStatusCode();
        using var browser = app.CreateClient();

        var started = await browser.GetAsync($"/sign-in/social/{(await created.JsonAsync()).GetProperty("id").GetGuid()}?client_id={app.Bootstrap.ClientId}");

        Assert.Equal(HttpStatusCode.BadGateway, started.StatusCode);
        Assert.False(inside.Pending(), "the server followed the redirect into its own network");
    }

    [Fact]
    public async Task Starts_are_counted_per_address_before_anything_is_stored_or_fetched()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Throttling:PerIpPerMinute:SocialSignIn"] = "1" });
        using var admin = app.ApiKeyClient();
        var created = await admin.PostAsJsonAsync("/admin/v1/identity-providers", new
        {
            kind = "openIdConnect",
            issuer = "https://id.example.invalid/",
            clientId = "c",
            clientSecret = "s",
        });
        var start = $"/sign-in/social/{(await created.JsonAsync()).GetProperty("id").GetGuid()}?client_id={app.Bootstrap.ClientId}";
        using var browser = app.CreateClient();

        var first = await browser.GetAsync(start);
        var second = await browser.GetAsync(start);

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task The_provider_is_told_the_callback_under_the_public_base_url_whatever_host_the_request_came_to()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.2:0");
        await using var provider = builder.Build();
        string issuer = null!;
        provider.MapGet("/.well-known/openid-configuration", () => Results.Text($$"""
            {"issuer": "{{issuer}}", "authorization_endpoint": "{{issuer}}authorize", "token_endpoint": "{{issuer}}token",
             "jwks_uri": "{{issuer}}jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
             "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"]}
            """, "application/json"));
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = rsa.ExportParameters(includePrivateParameters: false);
        provider.MapGet("/jwks", () => Results.Text(
            $$"""{"keys": [{"kty": "RSA", "use": "sig", "kid": "k1", "n": "{{System.Buffers.Text.Base64Url.EncodeToString(key.Modulus!)}}", "e": "{{System.Buffers.Text.Base64Url.EncodeToString(key.Exponent!)}}"}]}""", "application/json"));
        await provider.StartAsync();
        issuer = provider.Urls.First() + "/";
        using var app = new LatchkeyApp(settings: new()
        {
            ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.2/32",
            ["Latchkey:PublicBaseUrl"] = "https://auth.example.com/",
        });
        using var admin = app.ApiKeyClient();
        var created = await admin.PostAsJsonAsync("/admin/v1/identity-providers", new { kind = "openIdConnect", issuer, clientId = "c", clientSecret = "s" });
        created.EnsureSuccessStatusCode();
        using var browser = app.CreateClient(new() { AllowAutoRedirect = false });

        var started = await browser.GetAsync($"/sign-in/social/{(await created.JsonAsync()).GetProperty("id").GetGuid()}?client_id={app.Bootstrap.ClientId}");

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(started.Headers.Location!.Query);
        Assert.StartsWith(issuer + "authorize", started.Headers.Location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("https://auth.example.com/sign-in/social/callback", query["redirect_uri"].ToString());
    }
}

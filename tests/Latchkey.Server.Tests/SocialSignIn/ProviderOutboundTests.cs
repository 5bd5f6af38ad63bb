using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// An OpenID provider's issuer is fetched by the server (issue #21's outbound rule, issue #26): one that leads into the
/// server's own network is refused when saved, and again at each request the sign-in makes, so a name re-pointed after
/// it was saved is never connected to.
/// </summary>
public sealed class ProviderOutboundTests
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
}

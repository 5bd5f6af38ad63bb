using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>OpenIddict applications are kept for the process between requests; a change through the manager applies at once.</summary>
public class ApplicationCacheTests
{
    [Fact]
    public async Task A_permission_removed_through_the_application_manager_applies_to_the_next_token_request()
    {
        using var app = new LatchkeyApp(settings: new() { ["Latchkey:Cache:ClientSeconds"] = "30" });
        using var client = app.CreateClient();
        var request = new { clientId = app.Bootstrap.ClientId, grantType = "anonymous" };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/oauth2/token", request)).StatusCode);

        // A change behind OpenIddict's back (another node) is not seen while the entry lives: the cache is shared.
        app.Execute("UPDATE OpenIddictApplications SET Permissions = '[]'");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/oauth2/token", request)).StatusCode);

        using (var scope = app.Services.CreateScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(app.Bootstrap.ClientId) ?? throw new InvalidOperationException();
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.Permissions.Remove(Permissions.Prefixes.GrantType + "anonymous");
            await applications.UpdateAsync(application, descriptor);
        }

        var refused = await client.PostAsJsonAsync("/oauth2/token", request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(OpenIddictConstants.Errors.UnauthorizedClient, (await refused.JsonAsync()).GetProperty("error").GetString());
    }
}

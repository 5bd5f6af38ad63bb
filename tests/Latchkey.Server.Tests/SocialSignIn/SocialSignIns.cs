using System.Net.Http.Json;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.SocialSignIn;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>The social sign-in tests' set-up: a registration through the admin API, and the step after the provider's return.</summary>
internal static class SocialSignIns
{
    /// <summary>A registration of the bootstrap site (<c>POST /admin/v1/identity-providers</c>), as its store reads it back.</summary>
    public static async Task<IdentityProvider> AddIdentityProviderAsync(this LatchkeyApp app, string kind = "google", bool trustEmail = true)
    {
        using var admin = app.ApiKeyClient();
        var created = await (await admin.PostAsJsonAsync("/admin/v1/identity-providers", new
        {
            kind,
            clientId = "c.apps.googleusercontent.com",
            clientSecret = "s",
            trustEmail,
        })).JsonAsync();
        return await app.FindIdentityProviderAsync(created.GetProperty("id").GetGuid());
    }

    public static async Task<IdentityProvider> FindIdentityProviderAsync(this LatchkeyApp app, Guid id)
    {
        using var scope = app.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IIdentityProviderStore>().FindAsync(Guid.Parse(app.Bootstrap.SiteId), id, CancellationToken.None))!;
    }

    /// <summary><see cref="SignInWithProvider"/> with the identity the provider returned, from one address.</summary>
    public static async Task<Result<SocialSignInOutcome>> SocialSignInAsync(this LatchkeyApp app, IdentityProvider provider, ExternalIdentity identity)
    {
        using var scope = app.Services.CreateScope();
        var site = (await scope.ServiceProvider.GetRequiredService<ISiteStore>().FindAsync(provider.SiteId, CancellationToken.None))!;
        var guarded = new GuardedRequest(site, GuardedAction.SocialSignIn, identity.Email, "203.0.113.7", []);
        return await scope.ServiceProvider.GetRequiredService<SignInWithProvider>().HandleAsync(guarded, provider, identity, CancellationToken.None);
    }
}

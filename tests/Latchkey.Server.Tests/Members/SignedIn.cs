using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Admin;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Members;

/// <summary>A member signed in through the Wix SDK's flow, with a client that sends its access token bare, as the SDK does.</summary>
internal sealed record SignedIn(string Id, string Email, TokenSet Tokens, HttpClient Client) : IDisposable
{
    public const string Route = "/members/v1/members";

    public static async Task<SignedIn> RegisterAsync(LatchkeyApp app, string email, object? profile = null)
    {
        using var visitor = await app.VisitorClientAsync();
        var registered = await (await visitor.RegisterAsync(email, profile: profile)).JsonAsync();
        var tokens = await app.MemberTokensAsync(registered.GetProperty("sessionToken").GetString()!);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", tokens.AccessToken);
        return new SignedIn(registered.GetProperty("identity").GetProperty("id").GetString()!, email, tokens, client);
    }

    /// <summary>A second site on the same server and a client holding an admin API key of it.</summary>
    public static async Task<HttpClient> OtherSiteAdminAsync(LatchkeyApp app)
    {
        using var scope = app.Services.CreateScope();
        var site = new Site { Id = Guid.CreateVersion7(), Name = "Other site", CreatedAt = app.Clock.GetUtcNow() };
        await scope.ServiceProvider.GetRequiredService<ISiteStore>().AddAsync(site, CancellationToken.None);
        var key = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(
            AdminActor.Cli, site.Id, "other admin", ApiKeyPermissions.Admin, CancellationToken.None)).Value!.Key;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        return client;
    }

    /// <summary>A client holding an API key of the bootstrap site without the admin permission.</summary>
    public static async Task<HttpClient> SignOnKeyAsync(LatchkeyApp app)
    {
        using var scope = app.Services.CreateScope();
        var key = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(
            AdminActor.Cli, Guid.Parse(app.Bootstrap.SiteId), "sign-on only", ApiKeyPermissions.SignOn, CancellationToken.None)).Value!.Key;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        return client;
    }

    public void Dispose() => Client.Dispose();
}

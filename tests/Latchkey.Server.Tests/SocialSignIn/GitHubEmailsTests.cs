using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Latchkey.Core.SocialSignIn;
using Latchkey.Server.SocialSignIn;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.SocialSignIn;

/// <summary>
/// GitHub's verified email (issue #26): <c>/user/emails</c> read with the code exchange's token, over a real socket from
/// a stand-in for api.github.com answering GitHub's documented shape (the recorded answer of ProviderProfilesTests).
/// What cannot be read proves nothing, and the call passes the outbound check like every other call to a provider.
/// </summary>
public sealed class GitHubEmailsTests : IAsyncLifetime
{
    private readonly LatchkeyApp _app = new(settings: new() { ["Latchkey:Outbound:AllowedNetworks:0"] = "127.0.0.2/32" });
    private WebApplication _api = null!;
    private string _base = null!;
    private readonly List<(string? Authorization, string? Accept)> _asked = [];

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.2:0");
        _api = builder.Build();
        var recorded = await File.ReadAllTextAsync(RepoPaths.Of("tests", "Latchkey.Core.Tests", "SocialSignIn", "Recorded", "github-emails.json"));
        _api.MapGet("/user/emails", (HttpRequest request) =>
        {
            _asked.Add((request.Headers.Authorization.ToString(), request.Headers.Accept.ToString()));
            return request.Headers.Authorization == "Bearer gho_token" ? Results.Text(recorded, "application/json") : Results.Unauthorized();
        });
        _api.MapGet("/moved", () => Results.Redirect("/user/emails"));
        _api.MapGet("/dropped", async (HttpContext http) =>
        {
            // The connection ends before the promised body does (what was sent would read as a list).
            http.Response.ContentLength = 1000;
            await http.Response.WriteAsync("[]");
            await http.Response.Body.FlushAsync();
            http.Abort();
        });
        _api.MapGet("/huge", () => Results.Text("[" + string.Join(',', Enumerable.Repeat("{}", 40_000)) + "]", "application/json"));
        await _api.StartAsync();
        _base = _api.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        _app.Dispose();
    }

    private GitHubEmails Emails(string endpoint) => new(_app.Services.GetRequiredService<IHttpClientFactory>()) { Endpoint = new Uri(endpoint) };

    [Fact]
    public async Task The_primary_verified_address_is_read_with_the_token_and_proves_the_email()
    {
        var emails = await Emails(_base + "/user/emails").ReadAsync("gho_token", CancellationToken.None);
        var user = JsonDocument.Parse("""{"id": 583231, "login": "octocat", "email": "public@example.com"}""").RootElement;

        var identity = ProviderProfiles.GitHub(user, emails).ValueOrThrow();

        Assert.Equal(("octocat@github.com", true), (identity.Email, identity.EmailVerified));
        Assert.Equal(("Bearer gho_token", "application/vnd.github+json"), Assert.Single(_asked));
    }

    [Fact]
    public async Task A_refusal_a_redirect_an_overlong_or_dropped_answer_or_no_token_proves_nothing()
    {
        Assert.Equal(JsonValueKind.Undefined, (await Emails(_base + "/user/emails").ReadAsync("revoked", CancellationToken.None)).ValueKind);
        Assert.Equal(JsonValueKind.Undefined, (await Emails(_base + "/moved").ReadAsync("gho_token", CancellationToken.None)).ValueKind);
        Assert.Equal(JsonValueKind.Undefined, (await Emails(_base + "/huge").ReadAsync("gho_token", CancellationToken.None)).ValueKind);
        Assert.Equal(JsonValueKind.Undefined, (await Emails(_base + "/dropped").ReadAsync("gho_token", CancellationToken.None)).ValueKind);
        Assert.Equal(JsonValueKind.Undefined, (await Emails(_base + "/user/emails").ReadAsync(null, CancellationToken.None)).ValueKind);
        // Only the refused token reached the list; the redirect was not followed.
        Assert.Single(_asked);
    }

    [Fact]
    public async Task The_call_passes_the_outbound_check_and_never_reaches_the_server_s_own_network()
    {
        using var inside = new TcpListener(IPAddress.Loopback, 0);
        inside.Start();

        var emails = await Emails($"http://127.0.0.1:{((IPEndPoint)inside.LocalEndpoint).Port}/user/emails").ReadAsync("gho_token", CancellationToken.None);

        Assert.Equal(JsonValueKind.Undefined, emails.ValueKind);
        Assert.False(inside.Pending(), "the server connected to its own network");
    }
}

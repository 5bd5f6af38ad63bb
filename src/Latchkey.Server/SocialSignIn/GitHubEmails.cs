using System.Net.Http.Headers;
using System.Text.Json;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// GitHub's verified addresses (docs/identity-providers/github.md): <c>GET /user/emails</c> with the access token of the
/// code exchange (scope <c>user:email</c>). GitHub's <c>/user</c>, which OpenIddict reads as the user info, carries only
/// the public profile email, which GitHub never says is verified. Anything but a readable list (an error, a refusal,
/// a redirect, too long an answer) reads as no list: the identity then has no proven email, and the sign-in goes on
/// as for any unproven one. Through the outbound check, redirects never followed.
/// </summary>
public sealed class GitHubEmails(IHttpClientFactory clients)
{
    public const string ClientName = "latchkey-github-api";

    /// <summary>GitHub's; a test points it at a loopback server.</summary>
    public Uri Endpoint { get; init; } = new("https://api.github.com/user/emails");

    private const int MaxBytes = 64 * 1024;

    public async Task<JsonElement> ReadAsync(string? accessToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(accessToken))
        {
            return default;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, Endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        using var client = clients.CreateClient(ClientName);
        // The client's timeout ends at the headers; this one covers the body too.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxBytes)
            {
                return default;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[MaxBytes + 1];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, timeout.Token);
            return read > MaxBytes ? default : JsonSerializer.Deserialize<JsonElement>(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException ||
                                  e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A connection dropped mid-body, a slow or odd answer: no verified address, never a 500.
            return default;
        }
    }

    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName, client =>
            {
                client.Timeout = TimeSpan.FromSeconds(10);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Latchkey");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddHttpMessageHandler(services => new OutboundGuardHandler(services.GetRequiredService<OutboundPolicy>()));
}

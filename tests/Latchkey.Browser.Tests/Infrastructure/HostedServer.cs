using System.Net.Http.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// One test's world: a fresh Latchkey on a real Kestrel on 127.0.0.1 with real SMTP on loopback, and a fresh browser
/// context whose every request is watched. The client is a public client whose redirect URI is a second small server
/// on loopback standing in for the app, so the test reads the code from the address bar and nothing leaves the machine.
/// </summary>
public sealed class HostedServer : IAsyncDisposable
{
    private readonly List<string> _outside = [];
    private readonly List<string> _consoleErrors = [];

    private HostedServer(LatchkeyApp app, SmtpMailbox mailbox, Uri baseUrl, WebApplication appServer)
    {
        App = app;
        Mailbox = mailbox;
        BaseUrl = baseUrl;
        _appServer = appServer;
        AppOrigin = appServer.Urls.First();
    }

    private readonly WebApplication _appServer;

    /// <summary>The app's origin and callback (its registered redirect URI).</summary>
    public string AppOrigin { get; }
    public string Callback => AppOrigin + "/callback";
    public string ClientId { get; private set; } = "";

    public LatchkeyApp App { get; }
    public SmtpMailbox Mailbox { get; }
    public Uri BaseUrl { get; }
    public IBrowserContext Context { get; private set; } = null!;
    public IPage Page { get; private set; } = null!;
    public HttpClient Admin => App.ApiKeyClient();

    /// <summary>Requests for anything but this server and the app's callback; every hosted page must keep it empty.</summary>
    public IReadOnlyList<string> OutsideRequests => _outside;

    /// <summary>A fresh server, app and browser context; <paramref name="settings"/> adds to the server's configuration.</summary>
    public static async Task<HostedServer> StartAsync(BrowserFixture browser, Dictionary<string, string?>? settings = null)
    {
        var mailbox = new SmtpMailbox();
        var configuration = mailbox.Settings;
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        var app = new LatchkeyApp(settings: configuration);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new HostedServer(app, mailbox, new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)), await StartAppAsync());
        using var admin = server.Admin;
        var client = await admin.PostAsJsonAsync("/admin/v1/clients", new
        {
            kind = "standard",
            confidential = false,
            redirectUris = new[] { server.Callback },
            allowedOrigins = new[] { server.AppOrigin },
        });
        client.EnsureSuccessStatusCode();
        server.ClientId = (await client.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("clientId").GetString()!;
        await server.NewContextAsync(browser);
        return server;
    }

    /// <summary>A fresh browser (no cookies), as another device would be.</summary>
    public async Task NewContextAsync(BrowserFixture browser)
    {
        if (Context is not null)
        {
            await Context.CloseAsync();
        }

        Context = await browser.Browser.NewContextAsync(new() { Locale = "en-GB", ViewportSize = new() { Width = 720, Height = 860 } });
        Context.SetDefaultTimeout(30_000);
        Page = await Context.NewPageAsync();
        Page.Request += (_, request) =>
        {
            var url = request.Url;
            if (!url.StartsWith(BaseUrl.GetLeftPart(UriPartial.Authority) + "/", StringComparison.Ordinal) &&
                !url.StartsWith(AppOrigin + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal))
            {
                _outside.Add(url);
            }
        };
        Page.Console += (_, message) =>
        {
            // A 4xx page (a wrong password answers 400) logs "Failed to load resource"; anything else is a fault.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal))
            {
                _consoleErrors.Add(message.Text);
            }
        };
    }

    /// <summary>An authorize URL with <c>prompt=login</c> for the app's client, and its PKCE pair.</summary>
    public (string Url, Pkce Pkce) Authorize()
    {
        var request = new AuthorizeParameters(ClientId, Pkce.New()) { Prompt = "login", SnakeCase = true, RedirectUri = Callback };
        return (new Uri(BaseUrl, request.Url()).AbsoluteUri, request.Pkce);
    }

    /// <summary>Opens the hosted sign-in page of a fresh authorize request.</summary>
    public async Task<Pkce> OpenSignInAsync()
    {
        var (url, pkce) = Authorize();
        await Page.GotoAsync(url);
        return pkce;
    }

    /// <summary>Waits for the browser to land on the client's redirect URI and answers the code in its query.</summary>
    public async Task<string> CodeAsync()
    {
        await Page.WaitForURLAsync(url => url.StartsWith(Callback, StringComparison.Ordinal), new() { Timeout = 30_000 });
        var query = QueryHelpers.ParseQuery(new Uri(Page.Url).Query);
        Assert.False(query.ContainsKey("error"), Page.Url);
        return query["code"].ToString();
    }

    /// <summary>The code exchanged at the token endpoint as a standard public client does it (form, PKCE).</summary>
    public async Task<TokenSet> TokensAsync(string code, Pkce pkce)
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = BaseUrl };
        return await (await http.ExchangeAsFormAsync(ClientId, code, pkce.Verifier, Callback)).TokensAsync();
    }

    /// <summary>The app: one page at <c>/callback</c> on its own loopback port, where the browser lands with the code.</summary>
    private static async Task<WebApplication> StartAppAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/callback", () => Results.Content(
            "<!doctype html><html lang=\"en\"><title>App</title><h1>Back in the app</h1></html>", "text/html; charset=utf-8"));
        await app.StartAsync();
        return app;
    }

    public async Task PatchAsync(string path, object body)
    {
        using var admin = Admin;
        (await admin.PatchAsJsonAsync(path, body)).EnsureSuccessStatusCode();
    }

    /// <summary>Forgets the requests and console errors of pages that are not Latchkey's (an upstream provider's), so <see cref="CheckPageAsync"/> judges only what follows.</summary>
    public void ForgetOtherPages()
    {
        _outside.Clear();
        _consoleErrors.Clear();
    }

    /// <summary>
    /// Every page a test reaches passes through here: the basic accessibility checks, no request outside the server,
    /// no console error (a CSP refusal shows up there), and a screenshot for docs/screenshots.
    /// </summary>
    public async Task CheckPageAsync(string screenshot)
    {
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await PageAudit.AssertAccessibleAsync(Page);
        Assert.Empty(_outside);
        Assert.Empty(_consoleErrors);
        await Screenshots.TakeAsync(Page, screenshot);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _appServer.DisposeAsync();
        App.Dispose();
        Mailbox.Dispose();
    }
}

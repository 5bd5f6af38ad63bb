using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>
/// The example headless site (the unmodified Wix SDK plus <c>useLatchkey</c>) on its own origin, Latchkey on another,
/// in Chromium: CORS and the SDK's hosts for real. The set-up is docs/wix-sdk.md's quick start, step for step:
/// register the site's client with its origin and redirect URIs, give the site Latchkey's URL and the clientId.
/// </summary>
public sealed partial class WixSdkSiteTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const string NewPassword = "a brand new passphrase";

    private readonly SmtpMailbox _mailbox = new();
    private readonly ConcurrentQueue<string> _preflights = new();
    private readonly List<string> _wixHosts = [];
    private readonly ConcurrentQueue<string> _trail = new();
    private LatchkeyApp _latchkey = null!;
    private string _latchkeyUrl = null!;
    private ExampleSite _site = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _latchkey = new LatchkeyApp(settings: _mailbox.Settings)
        {
            ConfigureTestServices = services => services.AddSingleton<IStartupFilter>(new CountPreflights(_preflights)),
        };
        _latchkey.UseKestrel(0);
        _latchkey.StartServer();
        _latchkeyUrl = _latchkey.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        _context = await browser.Browser.NewContextAsync(new() { Locale = "en-GB" });
        _context.SetDefaultTimeout(30_000);
        _page = await _context.NewPageAsync();
        _page.Request += (_, request) =>
        {
            if (new Uri(request.Url).Host.EndsWith("wixapis.com", StringComparison.Ordinal))
            {
                _wixHosts.Add(request.Url);
            }
        };

        // What the page did, for a step that times out to say why (a flake once stopped at "Log out" with no trace).
        // Paths only: an authorize URL's query carries a session token.
        _page.Response += (_, response) => _trail.Enqueue($"{response.Status} {response.Request.Method} {response.Url.Split('?')[0]}");
        _page.RequestFailed += (_, request) => _trail.Enqueue($"failed {request.Method} {request.Url.Split('?')[0]}: {request.Failure}");
        _page.Console += (_, message) => _trail.Enqueue($"console {message.Type}: {message.Text}");
        _page.Request += (_, request) => _trail.Enqueue($"asked {request.Method} {request.Url.Split('?')[0]}");
        _page.FrameNavigated += (_, frame) => _trail.Enqueue($"navigated {(frame.ParentFrame is null ? "page" : "frame")} to {frame.Url.Split('?')[0]}");
        _page.Load += (_, _) => _trail.Enqueue("load");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }

        _latchkey.Dispose();
        _mailbox.Dispose();
    }

    /// <summary>Quick start step 1: a Wix-SDK client for the site's origin, with its callback and after-reset pages.</summary>
    private async Task<string> RegisterSiteClientAsync(string siteOrigin)
    {
        using var admin = _latchkey.ApiKeyClient();
        var response = await admin.PostAsJsonAsync("/admin/v1/clients", new
        {
            displayName = "Example shop",
            kind = "wixSdk",
            allowedOrigins = new[] { siteOrigin },
            redirectUris = new[] { siteOrigin + "/callback.html", siteOrigin + "/after-reset.html" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientId").GetString()!;
    }

    /// <summary>Quick start steps 2 and 3: the site, told where Latchkey is and its clientId, served on its own origin.</summary>
    private async Task OpenSiteAsync()
    {
        _site = await ExampleSite.StartAsync(_latchkeyUrl);
        _site.ClientId = await RegisterSiteClientAsync(_site.Origin);
        await _page.GotoAsync(_site.Origin + "/");
    }

    private ILocator Who => _page.Locator("#who");

    private ILocator Message => _page.Locator("#message");

    private async Task FillAndSubmitAsync(string form, string button, params (string Label, string Value)[] fields)
    {
        var locator = _page.Locator($"form#{form}");
        foreach (var (label, value) in fields)
        {
            await locator.GetByLabel(label).FillAsync(value);
        }

        await locator.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
    }

    /// <summary>The site's "Log out": the SDK's logout URL, Latchkey's logout, then back to the site's bye page.</summary>
    private async Task LogOutAsync()
    {
        await _page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        try
        {
            // Latchkey's part ends when its redirect lands on bye.html: wait for that commit, not for the page's "load"
            // (its stylesheet is the example site's, not Latchkey's), then for what the page says.
            await _page.WaitForURLAsync(_site.Origin + "/bye.html", new() { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();
        }
        catch (Exception timeout) when (timeout is TimeoutException or PlaywrightException)
        {
            // Reading the page must not throw in turn (CI once lost the trail to a second timeout here): bye.html has
            // no #message, and a page that never fired "load" is at the URL already.
            string state;
            try
            {
                state = await _page.EvaluateAsync<string>("() => document.readyState + ' / ' + (document.querySelector('#message')?.textContent ?? '(no #message)')");
            }
            catch (PlaywrightException unreadable)
            {
                state = "unreadable: " + unreadable.Message.Split('\n')[0];
            }

            throw new TimeoutException(
                $"Log out did not reach bye.html. The page is at {_page.Url} ({state}). What the page did last:\n" +
                string.Join('\n', _trail.TakeLast(30)) + "\n" + timeout.Message,
                timeout);
        }
    }

    [Fact]
    public async Task The_example_site_signs_members_in_through_Latchkey_with_the_unmodified_SDK()
    {
        await OpenSiteAsync();
        var page = _page;

        // Visitor tokens: the SDK's first call, cross-origin.
        await Assertions.Expect(Who).ToHaveTextAsync("a visitor");

        // Register → SUCCESS → direct login: the hidden iframe on Latchkey posts the code to the site (web_message).
        await FillAndSubmitAsync("register", "Register", ("Email", "ann@example.com"), ("Password", Password));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        var memberId = (await page.Locator("#member-id").TextContentAsync())!.Trim(' ', '(', ')');
        Assert.True(Guid.TryParse(memberId, out _), memberId);

        // Renew: the refresh token gives a new access token.
        const string accessToken = "JSON.parse(localStorage.getItem('tokens')).accessToken.value";
        var before = await page.EvaluateAsync<string>(accessToken);
        _latchkey.Clock.Advance(TimeSpan.FromMinutes(2));
        await page.GetByRole(AriaRole.Button, new() { Name = "Renew token" }).ClickAsync();
        await Assertions.Expect(Message).ToHaveTextAsync("Token renewed.");
        Assert.NotEqual(before, await page.EvaluateAsync<string>(accessToken));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");

        // Log out with a redirect back to the site (an allowed origin of the client).
        await LogOutAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await Assertions.Expect(Who).ToHaveTextAsync("a visitor");

        // Log in again, directly.
        await FillAndSubmitAsync("login", "Log in", ("Email", "ann@example.com"), ("Password", Password));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        await Assertions.Expect(page.Locator("#member-id")).ToHaveTextAsync($" ({memberId})");
        await LogOutAsync();
        await page.GotoAsync(_site.Origin + "/");
        await Assertions.Expect(Who).ToHaveTextAsync("a visitor");

        // The hosted login through getAuthUrl: Latchkey's page, then back to the site's callback with a code.
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in on the hosted page" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_latchkeyUrl + "/", StringComparison.Ordinal));
        await page.GetByLabel("Email").FillAsync("ann@example.com");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(_site.Origin + "/");
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        await Assertions.Expect(page.Locator("#member-id")).ToHaveTextAsync($" ({memberId})");
        await LogOutAsync();
        await page.GotoAsync(_site.Origin + "/");

        // Recovery: the emailed link opens Latchkey's reset page, which returns to the site; the new password works.
        await FillAndSubmitAsync("forgot", "Send reset link", ("Email", "ann@example.com"));
        await Assertions.Expect(Message).ToContainTextAsync("reset link is on its way");
        var link = ResetLink().Match(await _mailbox.NextBodyAsync("ann@example.com")).Value;
        await page.GotoAsync(link);
        await page.GetByLabel("New password").FillAsync(NewPassword);
        await page.GetByLabel("Repeat the password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await page.WaitForURLAsync(_site.Origin + "/after-reset.html");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await FillAndSubmitAsync("login", "Log in", ("Email", "ann@example.com"), ("Password", NewPassword));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        await LogOutAsync();
        await page.GotoAsync(_site.Origin + "/");

        // Verification: with the site's sign-on policy asking for it, registration waits for the emailed code.
        using (var admin = _latchkey.ApiKeyClient())
        {
            (await admin.PatchAsJsonAsync("/_api/iam/signon/v1/sign-on-policies", new { signOnPolicy = new { requireEmailVerification = true } })).EnsureSuccessStatusCode();
        }

        await FillAndSubmitAsync("register", "Register", ("Email", "bob@example.com"), ("Password", Password));
        await Assertions.Expect(Message).ToHaveTextAsync("We sent you a code: enter it to finish.");
        var code = Code().Match(await _mailbox.NextBodyAsync("bob@example.com")).Groups[1].Value;
        await FillAndSubmitAsync("verify", "Verify", ("Code from the email", code));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        Assert.NotEqual($" ({memberId})", await page.Locator("#member-id").TextContentAsync());

        // Nothing went to Wix, and the browser asked each path's preflight once: the two-hour cache held.
        Assert.Empty(_wixHosts);
        var perPath = _preflights.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Contains("/oauth2/token", perPath.Keys);
        Assert.Contains("/_api/iam/authentication/v2/login", perPath.Keys);
        Assert.All(perPath, p => Assert.True(p.Value == 1, $"{p.Key} was preflighted {p.Value} times: {string.Join(", ", perPath)}"));
    }

    [Fact]
    public async Task The_login_intent_signs_in_on_Latchkey_s_page_and_returns_to_the_site_which_then_gets_member_tokens()
    {
        await OpenSiteAsync();
        await FillAndSubmitAsync("register", "Register", ("Email", "cy@example.com"), ("Password", Password));
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        var memberId = await _page.Locator("#member-id").TextContentAsync();
        await LogOutAsync();
        await _page.GotoAsync(_site.Origin + "/");
        await Assertions.Expect(Who).ToHaveTextAsync("a visitor");

        // redirects.createRedirectSession({ login: {}, callbacks: { postFlowUrl } }): Latchkey's sign-in page, on its origin.
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in on Latchkey and come back" }).ClickAsync();
        await _page.WaitForURLAsync(url => url.StartsWith(_latchkeyUrl + "/sign-in?", StringComparison.Ordinal));
        await _page.GetByLabel("Email").FillAsync("cy@example.com");
        await _page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Back at postFlowUrl, the site asks authorize with prompt=none and the browser session answers with the code.
        await _page.WaitForURLAsync(_site.Origin + "/");
        await Assertions.Expect(Who).ToHaveTextAsync("a member");
        await Assertions.Expect(_page.Locator("#member-id")).ToHaveTextAsync(memberId!);
        Assert.Empty(_wixHosts);
    }

    [Fact]
    public async Task A_page_on_an_origin_no_client_allows_is_blocked_by_the_browser()
    {
        // The client allows the site's origin on 127.0.0.2; the same pages are served from 127.0.0.3.
        var allowed = await ExampleSite.StartAsync(_latchkeyUrl);
        var clientId = await RegisterSiteClientAsync(allowed.Origin);
        await allowed.DisposeAsync();
        _site = await ExampleSite.StartAsync(_latchkeyUrl, host: "127.0.0.3");
        _site.ClientId = clientId;
        var before = _latchkey.Count("members");

        await _page.GotoAsync(_site.Origin + "/");

        await Assertions.Expect(Message).ToContainTextAsync("Latchkey could not be reached");
        await Assertions.Expect(Who).ToHaveTextAsync("nobody");
        Assert.Equal(before, _latchkey.Count("members"));
        Assert.Contains("/oauth2/token", _preflights);
    }

    [Fact]
    public async Task The_script_Latchkey_serves_sends_the_SDKs_hosts_to_it_from_a_script_tag_or_a_module()
    {
        _site = await ExampleSite.StartAsync(_latchkeyUrl);
        var clientId = _site.ClientId = await RegisterSiteClientAsync(_site.Origin);

        await _page.GotoAsync(_site.Origin + "/bye.html");
        var body = $$"""{"clientId":"{{clientId}}","grantType":"anonymous"}""";
        foreach (var load in new[]
        {
            $$"""(async () => { await import('{{_latchkeyUrl}}/_latchkey/wix-sdk.mjs'); })()""",
            $$"""new Promise((ok, fail) => { const s = document.createElement('script'); s.src = '{{_latchkeyUrl}}/_latchkey/wix-sdk.js'; s.onload = ok; s.onerror = fail; document.head.append(s); })""",
        })
        {
            await _page.ReloadAsync();
            await _page.EvaluateAsync(load);
            var status = await _page.EvaluateAsync<int>($$"""
                fetch('https://www.wixapis.com/oauth2/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{{body}}' })
                  .then(r => r.status)
                """);
            Assert.Equal(200, status);
        }

        Assert.Empty(_wixHosts);
    }

    [GeneratedRegex(@"http://[^\s]+/recovery/reset-password\?token=[A-Za-z0-9_%\-]+")]
    private static partial Regex ResetLink();

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex Code();

    /// <summary>Counts the preflights that reach Latchkey, by path, before anything else sees them.</summary>
    private sealed class CountPreflights(ConcurrentQueue<string> preflights) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey("Access-Control-Request-Method"))
                {
                    preflights.Enqueue(context.Request.Path.Value!);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

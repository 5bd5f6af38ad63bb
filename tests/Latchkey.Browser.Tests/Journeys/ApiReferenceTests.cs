using Latchkey.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Journeys;

/// <summary>The browsable API reference (issue #9): it renders the server's own OpenAPI document, offline.</summary>
public sealed class ApiReferenceTests(BrowserFixture browser) : IAsyncLifetime
{
    private HostedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostedServer.StartAsync(browser);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_reference_renders_every_operation_from_the_server_alone()
    {
        var page = _server.Page;

        await page.GotoAsync(new Uri(_server.BaseUrl, "/api-reference").AbsoluteUri);

        // Rendered from /openapi/v1.json by the script the server serves: the document's title and the first
        // operation's summary prove both. Later tags render as they scroll into view.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Latchkey", Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The process is up" })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Screenshots.TakeAsync(page, "api-reference");
        Assert.Empty(_server.OutsideRequests);
    }
}

using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Latchkey.Browser.Tests.Infrastructure.BrowserFixture))]

// One Chromium for the whole assembly, one test at a time: the machine has two cores and other suites share them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/test.sh; never <c>playwright install</c>),
/// started once through Playwright's bundled driver and shared by every test; each test gets its own context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (scripts/test.sh does).");
        }

        // The whole suite (scripts/test.sh) runs test projects side by side on two cores, with Argon2id in the server:
        // give every wait room rather than fail on a slow moment.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

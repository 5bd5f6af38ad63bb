using Latchkey.Testing;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// Screenshots of every page the tests reach: into <c>artifacts/screenshots/</c> on every run, and into
/// <c>docs/screenshots/</c> (the ones the README links) when <c>LATCHKEY_UPDATE_SCREENSHOTS=1</c>, so an ordinary
/// test run never dirties the work tree.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var root = RepoPaths.Root;
        var into = Environment.GetEnvironmentVariable("LATCHKEY_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(root, "docs", "screenshots")
            : Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(into);
        await page.ScreenshotAsync(new() { Path = Path.Combine(into, name + ".png"), FullPage = true });
    }

}
